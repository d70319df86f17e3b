import { normalizeAddress } from '../../shared/core/address';
import type { ForgetResult, SuppressionStore } from '../../shared/ports';
import { UsageError } from '../context';

export interface ForgetSummary extends ForgetResult {
  at: string;
  reason: string;
}

/**
 * `bounce forget ADDRESS --reason TEXT`: erasure. Deletes the address's state item and every audit
 * item; what stays is `FORGOTTEN#<hash>` with the time and the reason. The output names the hash only.
 */
export async function forgetAddress(
  store: SuppressionStore,
  input: string,
  reason: string,
  now: Date,
): Promise<ForgetSummary> {
  if (reason.trim() === '') throw new UsageError('--reason must say why (e.g. the erasure request ticket)');
  let address: string;
  try {
    address = normalizeAddress(input);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const at = now.toISOString();
  const result = await store.forget(address, { at, reason });
  return { ...result, at, reason };
}

export const formatForget = (summary: ForgetSummary) =>
  `forgotten: address ${summary.hash} — ${summary.deleted} item(s) deleted; erasure record FORGOTTEN#${summary.hash} kept (${summary.at}: ${summary.reason})`;

import { readFileSync } from 'node:fs';
import { DEFAULT_RUNTIME_POLICY, type Policy, parsePolicyJson } from '../shared/core/policy-config';
import { type GlobalOptions, UsageError } from './options';

/** The policy from `--policy FILE`, or the defaults. */
export function resolvePolicyOption(options: GlobalOptions): Policy {
  if (options.policy === undefined) return DEFAULT_RUNTIME_POLICY;
  let text: string;
  try {
    text = readFileSync(options.policy, 'utf8');
  } catch (error) {
    throw new UsageError(`--policy ${JSON.stringify(options.policy)}: ${(error as Error).message}`);
  }
  try {
    return parsePolicyJson(text, `--policy ${options.policy}`);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

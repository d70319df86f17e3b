import { readFileSync } from 'node:fs';
import { type AddressHistory, readHistories } from '../../shared/adapters/dynamodb/history';
import { DEFAULT_RUNTIME_POLICY, type Policy, parsePolicyJson } from '../../shared/core/policy-config';
import { type SimulationResult, type SimulationWindow, simulatePolicy } from '../../shared/core/simulate';
import { STATUSES } from '../../shared/core/state';
import { type StoreContext, UsageError } from '../context';

/** Reads a policy file for simulation (the candidate or the baseline); errors name the file and the bad value. */
export function readPolicyFile(file: string, option: string): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${option} ${JSON.stringify(file)}: ${(error as Error).message}`);
  }
  try {
    return parsePolicyJson(text, `${option} ${file}`);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** An ISO-8601 option value as a time; a usage error naming the option and the value otherwise. */
export function parseTimeOption(value: string | undefined, option: string): Date | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new UsageError(`${option}: not an ISO-8601 time: ${JSON.stringify(value)}`);
  return time;
}

export interface SimulateRequest {
  candidate: Policy;
  /** The policy the processor runs with. @default DEFAULT_RUNTIME_POLICY */
  baseline?: Policy;
  window: SimulationWindow;
  /** `window.to` is the present (no `--to`): the baseline replay is also checked against the stored states. */
  nowIsTo: boolean;
}

/** `bounce simulate`: the table's audit history replayed under `candidate`, read-only. */
export async function simulateCommand(
  context: StoreContext,
  request: SimulateRequest,
  histories?: readonly AddressHistory[],
): Promise<SimulationResult> {
  const all = histories ?? (await readHistories(context.connection.documentClient, context.tableName));
  return simulatePolicy(
    all.map((h) => ({ address: h.address, events: h.events, ...(h.stored ? { stored: h.stored } : {}) })),
    request.baseline ?? DEFAULT_RUNTIME_POLICY,
    request.candidate,
    request.window,
    { nowIsTo: request.nowIsTo },
  );
}

/** What `bounce simulate --json` prints: the contract's fields first, then the detail. */
export function simulationJson(result: SimulationResult) {
  return {
    addresses: result.addresses,
    changed: result.changed,
    changes: result.changes,
    window: result.window,
    transitions: result.transitions,
    before: result.before,
    after: result.after,
    unexplained: result.unexplained,
  };
}

export function formatSimulation(result: SimulationResult): string {
  const { window } = result;
  const lines = [
    `Policy simulation over ${result.addresses} addresses, statuses at ${window.to}` +
      (window.from
        ? ` (new decisions for bounces from ${window.from})`
        : ' (new decisions for every bounce)') +
      '. Nothing was written.',
    '',
    `${result.changed} ${result.changed === 1 ? 'address' : 'addresses'} would change status.`,
  ];
  if (result.transitions.length > 0) {
    lines.push('', `    ${'change'.padEnd(34)} ${'reason'.padEnd(16)} ${'count'.padStart(7)}  examples`);
    for (const t of result.transitions) {
      lines.push(
        `    ${`${t.from} → ${t.to}`.padEnd(34)} ${t.reason.padEnd(16)} ${String(t.count).padStart(7)}  ${t.examples.join(', ')}`,
      );
    }
  }
  lines.push('', `    ${'status'.padEnd(18)} ${'now'.padStart(8)} ${'new policy'.padStart(11)}`);
  for (const status of STATUSES) {
    lines.push(
      `    ${status.padEnd(18)} ${String(result.before[status]).padStart(8)} ${String(result.after[status]).padStart(11)}`,
    );
  }
  if (result.unexplained > 0) {
    lines.push(
      '',
      `note: for ${result.unexplained} addresses the replay under the baseline policy does not give the status the table holds:` +
        ' their audit trail is incomplete (audit items expire after auditRetentionDays), or --baseline is not the policy the processor runs with.',
    );
  }
  return lines.join('\n');
}

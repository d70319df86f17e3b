import type { SendingControl } from '../../shared/adapters/ses/sending-control';
import type { OnCallNotifier } from '../../shared/adapters/sns/on-call';
import {
  type BrakeAction,
  type BrakeConfig,
  type BrakeOutcome,
  describeBrakeOutcome,
  planBrake,
} from '../../shared/core/brake';
import type { WindowReport } from '../../shared/core/rates';
import { redactAddresses } from '../../shared/core/redact';

/** The part of a logger the brake uses (Powertools' Logger fits). */
export interface BrakeLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface BrakeDependencies {
  control: SendingControl;
  notifier: OnCallNotifier;
  logger?: BrakeLogger;
}

/**
 * Some SES pause (or the on-call notification) failed. Thrown after every other action was still
 * tried and on-call was told; `actions` holds every line of the run, failures included, so the
 * caller can still log or return them.
 */
export class EmergencyBrakeError extends Error {
  override readonly name = 'EmergencyBrakeError';
  constructor(
    message: string,
    readonly actions: string[],
  ) {
    super(message);
  }
}

const describeError = (error: unknown): string => {
  const e = error as { name?: unknown; message?: unknown };
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return redactAddresses(`${name}: ${message}`.replace(/\s+/g, ' ').trim());
};

async function apply(action: BrakeAction, control: SendingControl): Promise<BrakeOutcome> {
  const [isSending, pause] = ((): [() => Promise<boolean>, () => Promise<void>] => {
    switch (action.kind) {
      case 'pause-configuration-set':
        return [
          () => control.isConfigurationSetSending(action.configurationSet),
          () => control.pauseConfigurationSet(action.configurationSet),
        ];
      case 'pause-account':
        return [() => control.isAccountSending(), () => control.pauseAccount()];
      case 'disable-tenant':
        return [() => control.isTenantSending(action.tenant), () => control.disableTenant(action.tenant)];
      default:
        return action satisfies never;
    }
  })();
  // A failed check does not stop the pause: pausing twice is harmless, missing one is not.
  let checkError: string | undefined;
  try {
    if (!(await isSending())) return { status: 'already-paused', action };
  } catch (error) {
    checkError = describeError(error);
  }
  try {
    await pause();
  } catch (error) {
    const failure = describeError(error);
    return {
      status: 'failed',
      action,
      error:
        checkError === undefined ? failure : `${failure} (the check before it failed too: ${checkError})`,
    };
  }
  return checkError === undefined ? { status: 'paused', action } : { status: 'paused', action, checkError };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function subjectOf(outcomes: readonly BrakeOutcome[]): string {
  const paused = outcomes.filter((o) => o.status === 'paused');
  const sets = paused.filter((o) => o.action.kind === 'pause-configuration-set').length;
  const account = paused.some((o) => o.action.kind === 'pause-account');
  const tenants = paused.filter((o) => o.action.kind === 'disable-tenant').length;
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const parts = [
    ...(account ? ['paused account sending'] : []),
    ...(sets > 0 ? [`paused ${plural(sets, 'configuration set', 'configuration sets')}`] : []),
    ...(tenants > 0 ? [`disabled ${plural(tenants, 'tenant', 'tenants')}`] : []),
    ...(failed > 0 ? [`${plural(failed, 'pause', 'pauses')} FAILED`] : []),
  ];
  return `SES emergency brake: ${parts.join(', ')}`;
}

function messageOf(
  report: WindowReport,
  outcomes: readonly BrakeOutcome[],
  lines: readonly string[],
): string {
  const { name, from, to } = report.window;
  const resume = outcomes
    .filter((o) => o.status !== 'failed')
    .map(({ action }) => {
      switch (action.kind) {
        case 'pause-configuration-set':
          return `  aws sesv2 put-configuration-set-sending-options --configuration-set-name ${action.configurationSet} --sending-enabled`;
        case 'pause-account':
          return '  aws sesv2 put-account-sending-attributes --sending-enabled';
        case 'disable-tenant':
          return `  aws sesv2 update-reputation-entity-customer-managed-status --reputation-entity-type RESOURCE --reputation-entity-reference "$(aws sesv2 get-tenant --tenant-name ${action.tenant} --query Tenant.TenantArn --output text)" --sending-status ENABLED`;
        default:
          return action satisfies never;
      }
    });
  return [
    `The emergency brake acted on the hygiene run over the ${name} window ${from} – ${to}:`,
    '',
    ...lines.map((line) => `- ${line}`),
    '',
    'The brake never resumes sending. Once the cause is found and fixed, resume with (add --region when needed):',
    ...resume,
    `While the identity (or tenant) stays critical over the ${name} window, the next hourly run pauses it again: to resume`,
    'earlier, first remove it from emergencyBrake.configurationSets or emergencyBrake.tenants (or set enabled: false) and deploy.',
  ].join('\n');
}

/**
 * Applies the brake to a hygiene report (its headline window) and returns the action lines for the
 * run's `actions`.
 *
 * - Disabled, or nothing critical and mapped: no SES call, no notification, `[]`.
 * - Each planned target (configuration set, then the account when `pauseAccount`), one after the
 *   other: its state is read first; already paused → an "already paused" line, no pause, no page
 *   (so an hourly run does not page again for the same pause); else it is paused. A failed state
 *   check does not stop the pause. A failed pause does not stop the others.
 * - On-call gets ONE notification per run listing every line, when something was paused or failed.
 * - If any pause failed, or the notification itself failed, it throws an EmergencyBrakeError at
 *   the end (after trying everything), carrying every line in `actions`, so the Lambda run fails
 *   and its error alarm fires. It never resumes sending.
 *
 * No line or message carries an email address: identities that are addresses show as their
 * domain plus a hash, and SES error messages are redacted.
 */
export async function applyBrake(
  report: WindowReport,
  config: BrakeConfig,
  { control, notifier, logger }: BrakeDependencies,
): Promise<string[]> {
  const plan = planBrake(report, config);
  if (plan.length === 0) return [];
  const outcomes: BrakeOutcome[] = [];
  for (const action of plan) outcomes.push(await apply(action, control));
  const lines = outcomes.map(describeBrakeOutcome);
  outcomes.forEach((outcome, index) => {
    const line = lines[index] as string;
    if (outcome.status === 'failed') logger?.error('emergency brake', { action: line });
    else logger?.info('emergency brake', { action: line });
  });

  const failures = lines.filter((_, index) => outcomes[index]?.status === 'failed');
  if (outcomes.some((o) => o.status !== 'already-paused')) {
    try {
      await notifier.notify(subjectOf(outcomes), messageOf(report, outcomes, lines));
    } catch (error) {
      const line = `FAILED to notify on-call: ${describeError(error)}`;
      logger?.error('emergency brake', { action: line });
      lines.push(line);
      failures.push(line);
    }
  }
  if (failures.length > 0) {
    throw new EmergencyBrakeError(`emergency brake: ${failures.join('; ')}`, lines);
  }
  return lines;
}

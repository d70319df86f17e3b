import * as z from 'zod';
import { hashAddress } from './address';
import { quote, valueAt } from './quote';
import type { RateRow, WindowReport } from './rates';
import { isTenantName } from './tenant-name';

/**
 * The emergency brake (opt-in): when the hygiene run finds an identity critical over the headline
 * window (24 h), pause the SES configuration sets its mail is sent with, so its bounce or complaint
 * rate cannot climb further towards SES's review (5 % / 0.1 %) and pause (10 % / 0.5 %) levels.
 * Pausing the whole account happens only when `pauseAccount` says so, and only when the account
 * itself is critical. The brake never resumes sending: that is a human decision.
 *
 * Pure: config validation, the plan and the human-readable lines. The hygiene function applies the plan.
 */

/** SES configuration set names: letters, digits, underscores and hyphens, at most 64. */
export const CONFIGURATION_SET_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}$/;

/** An SES identity name: a domain (`example.com`) or an email address (`noreply@example.com`); no ARNs. */
export function isSesIdentityName(name: string): boolean {
  const at = name.lastIndexOf('@');
  if (at === -1) return DOMAIN.test(name);
  const local = name.slice(0, at);
  return (
    local.length > 0 && local.length <= 64 && /^[^\s@,"]+$/.test(local) && DOMAIN.test(name.slice(at + 1))
  );
}

const TENANT_EXPECTED = 'expected an SES tenant name (letters, digits, _ or -; at most 64)';

const IDENTITY_EXPECTED = 'expected an SES identity name (a domain or an email address, not an ARN)';
const SET_EXPECTED = 'expected a configuration set name (letters, digits, _ or -; at most 64)';

/**
 * The brake's config as written (cdk.json `emergencyBrake`, the hygiene Lambda's `EMERGENCY_BRAKE`).
 * Every field optional; the defaults leave the brake off.
 */
export const brakeConfigSchema = z.strictObject({
  /** Off unless set. @default false */
  enabled: z.boolean({ error: 'expected true or false' }).default(false),
  /**
   * Identity (as the hygiene report names it: a domain or an email address) → the configuration sets
   * its mail is sent with; those are paused when that identity is critical. @default {}
   */
  configurationSets: z
    .record(
      z.string(),
      z
        .array(z.string({ error: SET_EXPECTED }).regex(CONFIGURATION_SET_NAME, { error: SET_EXPECTED }), {
          error: 'expected a list of configuration set names',
        })
        .min(1, { error: 'expected at least one configuration set name' }),
      { error: 'expected an object: identity → list of configuration set names' },
    )
    .superRefine((sets, ctx) => {
      const seen = new Map<string, string>();
      for (const [identity, names] of Object.entries(sets)) {
        if (!isSesIdentityName(identity)) {
          ctx.addIssue({
            code: 'custom',
            path: [identity],
            message: IDENTITY_EXPECTED,
            params: { key: true },
          });
          continue;
        }
        const lower = identity.toLowerCase();
        const earlier = seen.get(lower);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [identity],
            message: `identity given twice (identities are case-insensitive; also as ${JSON.stringify(earlier)})`,
            params: { key: true },
          });
        }
        seen.set(lower, identity);
        names.forEach((name, index) => {
          if (names.indexOf(name) !== index) {
            ctx.addIssue({ code: 'custom', path: [identity, index], message: 'configuration set repeated' });
          }
        });
      }
    })
    .default({}),
  /**
   * `false`: never pause the whole account. `true`: when the ACCOUNT level is critical, pause the
   * account's sending in the region (SESv2 PutAccountSendingAttributes SendingEnabled=false).
   * @default false
   */
  pauseAccount: z.boolean({ error: 'expected true or false' }).default(false),
  /**
   * SES tenants (by name) the brake may stop: one critical over the headline window gets its
   * customer-managed sending status set to DISABLED (SESv2 UpdateReputationEntityCustomerManagedStatus);
   * the other tenants keep sending. @default []
   */
  tenants: z
    .array(z.string({ error: TENANT_EXPECTED }).refine(isTenantName, { error: TENANT_EXPECTED }), {
      error: 'expected a list of SES tenant names',
    })
    .superRefine((names, ctx) => {
      names.forEach((name, index) => {
        if (names.indexOf(name) !== index)
          ctx.addIssue({ code: 'custom', path: [index], message: 'tenant repeated' });
      });
    })
    .default([]),
});

export type BrakeConfig = z.output<typeof brakeConfigSchema>;
/** What an operator writes (every field optional). */
export type BrakeConfigInput = z.input<typeof brakeConfigSchema>;

export const DEFAULT_BRAKE_CONFIG: BrakeConfig = Object.freeze({
  enabled: false,
  configurationSets: {},
  pauseAccount: false,
  tenants: [],
});

export class BrakeConfigError extends Error {
  override readonly name = 'BrakeConfigError';
}

/** `source.configurationSets["example.com"][0]`: top-level keys dotted, record keys and indexes bracketed. */
function pathOf(source: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key, depth) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    if (depth === 0) return `${text}.${String(key)}`;
    return `${text}[${JSON.stringify(String(key))}]`;
  }, source);
}

function describeIssues(error: z.ZodError, input: unknown, source: string): string {
  const lines = error.issues.slice(0, 5).map((issue) => {
    const where = pathOf(source, issue.path);
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(brakeConfigSchema.shape).join(', ');
      return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(quote).join(', ')} (expected ${known})`;
    }
    // A record key that is not an identity: the bad value is the key itself.
    const isKey = issue.code === 'custom' && (issue.params as { key?: boolean } | undefined)?.key === true;
    const found = isKey ? issue.path[issue.path.length - 1] : valueAt(input, issue.path);
    return `${where}: ${issue.message}${found === undefined ? ' (missing)' : `, got ${quote(found)}`}`;
  });
  const more = error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : '';
  return `${lines.join('; ')}${more}`;
}

/**
 * Validates the brake's config (an object, or its JSON text; `undefined`/`null`/empty text → the
 * defaults: off). Errors name the key and the bad value, e.g.
 * `EMERGENCY_BRAKE.configurationSets["example.com"][0]: expected a configuration set name (…), got "bad name"`.
 *
 * @param source where the config came from (`EMERGENCY_BRAKE`, `emergencyBrake`), the errors' prefix.
 * @throws BrakeConfigError
 */
export function resolveBrakeConfig(input: unknown, source: string): BrakeConfig {
  let value = input;
  if (typeof input === 'string') {
    if (input.trim() === '') return { ...DEFAULT_BRAKE_CONFIG, configurationSets: {}, tenants: [] };
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new BrakeConfigError(`${source} is not JSON (${(error as Error).message}): ${quote(input)}`);
    }
  }
  const parsed = brakeConfigSchema.safeParse(value ?? {});
  if (!parsed.success) throw new BrakeConfigError(describeIssues(parsed.error, value, source));
  const config = parsed.data;
  if (
    config.enabled &&
    !config.pauseAccount &&
    Object.keys(config.configurationSets).length === 0 &&
    config.tenants.length === 0
  ) {
    throw new BrakeConfigError(
      `${source}.configurationSets: the brake is enabled but has nothing to pause: map identities to their configuration sets (or list tenants, or set pauseAccount: true), got ${quote(valueAt(value, ['configurationSets']) ?? {})}`,
    );
  }
  return config;
}

/** Why one brake action is planned: an identity (or the account) critical over the headline window. */
export interface BrakeReason {
  /** The identity as the report names it; `undefined` for the account (and a tenant). */
  identity?: string;
  /** The SES tenant, for a tenant's action. */
  tenant?: string;
  sent: number;
  bounceRate: number;
  complaintRate: number;
  /** The window's name (`24h`). */
  window: string;
}

export type BrakeAction =
  | {
      kind: 'pause-configuration-set';
      configurationSet: string;
      /** Every critical identity that maps to this set (one action per set, however many map to it). */
      reasons: BrakeReason[];
    }
  | { kind: 'pause-account'; reasons: BrakeReason[] }
  /** The tenant's customer-managed sending status set to DISABLED. */
  | { kind: 'disable-tenant'; tenant: string; reasons: BrakeReason[] };

const reasonOf = (
  row: Omit<RateRow, 'identity'> & { identity?: string; tenant?: string },
  window: string,
): BrakeReason => ({
  ...(row.identity !== undefined ? { identity: row.identity } : {}),
  ...(row.tenant !== undefined ? { tenant: row.tenant } : {}),
  sent: row.sent,
  bounceRate: row.bounceRate,
  complaintRate: row.complaintRate,
  window,
});

/**
 * What the brake would do for a report's headline window: pause each configuration set mapped to a
 * `critical` identity (each set once, identities in report order, sets in config order), then disable
 * each listed tenant that is `critical`, then the account if `pauseAccount` and the account is `critical`. Nothing when disabled; `ok`, `warning`
 * and `low-volume` never brake. Identities match case-insensitively.
 */
export function planBrake(report: WindowReport, config: BrakeConfig): BrakeAction[] {
  if (!config.enabled) return [];
  const setsByIdentity = new Map<string, string[]>();
  for (const [identity, sets] of Object.entries(config.configurationSets)) {
    const key = identity.toLowerCase();
    setsByIdentity.set(key, [...(setsByIdentity.get(key) ?? []), ...sets]);
  }
  const window = report.window.name;
  const bySet = new Map<string, BrakeAction & { kind: 'pause-configuration-set' }>();
  for (const row of report.identities) {
    if (!brakes(row.level)) continue;
    for (const configurationSet of setsByIdentity.get(row.identity.toLowerCase()) ?? []) {
      const action = bySet.get(configurationSet);
      if (action) {
        if (!action.reasons.some((r) => r.identity === row.identity))
          action.reasons.push(reasonOf(row, window));
      } else {
        bySet.set(configurationSet, {
          kind: 'pause-configuration-set',
          configurationSet,
          reasons: [reasonOf(row, window)],
        });
      }
    }
  }
  const actions: BrakeAction[] = [...bySet.values()];
  // Tenants match exactly (SES tenant names are case-sensitive), in report order.
  const tenants = new Set(config.tenants);
  for (const row of report.tenants ?? []) {
    if (brakes(row.level) && tenants.has(row.tenant))
      actions.push({ kind: 'disable-tenant', tenant: row.tenant, reasons: [reasonOf(row, window)] });
  }
  if (config.pauseAccount && brakes(report.account.level)) {
    actions.push({ kind: 'pause-account', reasons: [reasonOf(report.account, window)] });
  }
  return actions;
}

function brakes(level: RateRow['level']): boolean {
  switch (level) {
    case 'critical':
      return true;
    case 'warning':
    case 'ok':
    case 'low-volume':
      return false;
    default:
      return level satisfies never;
  }
}

/**
 * An identity as messages may show it: a domain as is; an email address as its domain plus a short
 * hash of the address (`<addr:1a2b3c4d5e6f>@example.com`), never the address itself.
 */
export function displayIdentity(identity: string): string {
  const at = identity.lastIndexOf('@');
  if (at === -1) return identity;
  return `<addr:${hashAddress(identity)}>@${identity.slice(at + 1)}`;
}

/** A rate (fraction) as a percentage for people: 0.061 → `6.1 %`, 0.0002 → `0.02 %`, 0.123 → `12.3 %`. */
export function formatPercent(rate: number): string {
  const percent = rate * 100;
  if (percent === 0) return '0 %';
  const text = percent >= 10 ? String(Math.round(percent * 10) / 10) : String(Number(percent.toPrecision(2)));
  return `${text} %`;
}

/** `identity example.com critical: bounce 6.1 %, complaint 0.02 % over 24h` (or `account critical: …`). */
export function describeReason(reason: BrakeReason): string {
  const who =
    reason.tenant !== undefined
      ? `tenant ${reason.tenant}`
      : reason.identity === undefined
        ? 'account'
        : `identity ${displayIdentity(reason.identity)}`;
  return `${who} critical: bounce ${formatPercent(reason.bounceRate)}, complaint ${formatPercent(reason.complaintRate)} over ${reason.window}`;
}

/** What happened to one planned action. */
export type BrakeOutcome =
  | {
      status: 'paused';
      action: BrakeAction;
      /** The state check failed; the pause went ahead anyway (pausing twice is harmless). */
      checkError?: string;
    }
  | { status: 'already-paused'; action: BrakeAction }
  | { status: 'failed'; action: BrakeAction; error: string };

export const targetOf = (action: BrakeAction): string => {
  switch (action.kind) {
    case 'pause-configuration-set':
      return `configuration set ${JSON.stringify(action.configurationSet)}`;
    case 'pause-account':
      return 'account sending';
    case 'disable-tenant':
      return `tenant ${JSON.stringify(action.tenant)}`;
    default:
      return action satisfies never;
  }
};

/**
 * The human action line for the run's `actions` and the on-call message, e.g.
 * `paused configuration set "marketing" (identity example.com critical: bounce 6.1 %, complaint 0.02 % over 24h)`.
 * Identities that are email addresses show as their domain plus a hash.
 */
export function describeBrakeOutcome(outcome: BrakeOutcome): string {
  const why = outcome.action.reasons.map(describeReason).join('; ');
  const target = targetOf(outcome.action);
  // A tenant is disabled (its customer-managed status), a configuration set or the account paused.
  const done = outcome.action.kind === 'disable-tenant' ? 'disabled' : 'paused';
  switch (outcome.status) {
    case 'paused':
      return outcome.checkError === undefined
        ? `${done} ${target} (${why})`
        : `${done} ${target} (${why}; its state could not be checked first: ${outcome.checkError})`;
    case 'already-paused':
      return `${target} already ${done}, left as is (${why})`;
    case 'failed':
      return `FAILED to ${done === 'paused' ? 'pause' : 'disable'} ${target}: ${outcome.error} (${why})`;
    default:
      return outcome satisfies never;
  }
}

/** The planned action as a line, before anything is done (dry runs, logs). */
export function describeBrakeAction(action: BrakeAction): string {
  return `would ${action.kind === 'disable-tenant' ? 'disable' : 'pause'} ${targetOf(action)} (${action.reasons.map(describeReason).join('; ')})`;
}

import * as z from 'zod';
import { DEFAULT_POLICY, type DecisionPolicy, resolvePolicy } from './classify/policy';
import { REASONS } from './classify/types';
import { describeZodError } from './notification';
import { DEFAULT_STATE_POLICY, type StatePolicy, SUPPRESSION_SCOPES } from './state';

/** Everything an operator may tune about what happens to an address: one object, validated once. */
export interface Policy {
  decisions: DecisionPolicy;
  state: StatePolicy;
}

export const DEFAULT_RUNTIME_POLICY: Policy = { decisions: DEFAULT_POLICY, state: DEFAULT_STATE_POLICY };

const EscalationRuleSchema = z.strictObject({
  minCount: z.number().int().min(1).max(1000),
  minSpanHours: z
    .number()
    .min(0)
    .max(24 * 365),
  outcome: z.enum(['suppressed', 'suppressed-until']),
});

const ESCALATION_KEYS = ['default', ...REASONS] as const;

/**
 * The policy as written in config (cdk.json `policy`, the Lambda's `BOUNCE_POLICY`, the CLI's
 * `--policy FILE`); every field optional, defaults from DEFAULT_RUNTIME_POLICY.
 */
export const PolicyConfigSchema = z.strictObject({
  /** reason → decision overrides, e.g. `{ "mailboxfull": "suppress-temporarily" }`. */
  decisions: z.record(z.string(), z.unknown()).optional(),
  temporarySuppressionDays: z.number().int().min(1).max(3650).optional(),
  escalation: z.partialRecord(z.enum(ESCALATION_KEYS), EscalationRuleSchema).optional(),
  maxEventsPerAddress: z.number().int().min(5).max(200).optional(),
  auditRetentionDays: z.number().int().min(1).max(3650).optional(),
  /** `account` (default): a complaint suppresses for every sender; `tenant`: for the complaining SES tenant only. */
  suppressionScope: z.enum(SUPPRESSION_SCOPES).optional(),
  /** Tenants an address may be suppressed for alone before the next one suppresses it account-wide. */
  maxTenantsPerAddress: z.number().int().min(1).max(50).optional(),
});
export type PolicyConfig = z.infer<typeof PolicyConfigSchema>;

export class PolicyConfigError extends Error {
  override readonly name = 'PolicyConfigError';
}

/** Validates a policy config and resolves it onto the defaults; errors name the key and the bad value. */
export function resolvePolicyConfig(input: unknown, where = 'policy'): Policy {
  const parsed = PolicyConfigSchema.safeParse(input ?? {});
  if (!parsed.success) throw new PolicyConfigError(describeZodError(parsed.error, input, where));
  const config = parsed.data;
  let decisions: DecisionPolicy;
  try {
    decisions = resolvePolicy(config.decisions ?? {});
  } catch (error) {
    throw new PolicyConfigError(`invalid ${where}: decisions: ${(error as Error).message}`);
  }
  const base = DEFAULT_STATE_POLICY;
  const escalation = { ...base.escalation };
  for (const [reason, rule] of Object.entries(config.escalation ?? {})) if (rule) escalation[reason] = rule;
  return {
    decisions,
    state: {
      temporarySuppressionDays: config.temporarySuppressionDays ?? base.temporarySuppressionDays,
      escalation: escalation as StatePolicy['escalation'],
      maxEventsPerAddress: config.maxEventsPerAddress ?? base.maxEventsPerAddress,
      auditRetentionDays: config.auditRetentionDays ?? base.auditRetentionDays,
      // Set only when configured: the default policy stays the object it always was.
      ...(config.suppressionScope === undefined ? {} : { suppressionScope: config.suppressionScope }),
      ...(config.maxTenantsPerAddress === undefined
        ? {}
        : { maxTenantsPerAddress: config.maxTenantsPerAddress }),
    },
  };
}

/** Reads a policy from JSON text (an env var or a file), naming where it came from in errors. */
export function parsePolicyJson(text: string | undefined, where: string): Policy {
  if (text === undefined || text.trim() === '') return DEFAULT_RUNTIME_POLICY;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PolicyConfigError(
      `${where} is not JSON (${(error as Error).message}): ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  return resolvePolicyConfig(value, where);
}

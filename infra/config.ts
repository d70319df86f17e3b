import * as z from 'zod';
import {
  type BrakeConfig,
  type BrakeConfigInput,
  DEFAULT_BRAKE_CONFIG,
  resolveBrakeConfig,
} from '../shared/core/brake';
import { type PolicyConfig, resolvePolicyConfig } from '../shared/core/policy-config';
import { DEFAULT_THRESHOLDS, resolveThresholds, type Thresholds } from '../shared/core/rates';
import { isTenantName } from '../shared/core/tenant-name';
import { type ChatSettings, resolveChatSettings } from './constructs/chat';

/**
 * Settings of the `SesBounceHandler` construct, and the deployment settings of this repository's app
 * (`cdk.json` → `context`, or `npx cdk synth -c key=value`): one schema, one set of defaults,
 * validated once when the construct is created. Unknown keys are refused (with "did you mean …" for
 * near misses); errors name the key and the bad value.
 *
 * Values passed with `-c` arrive as strings, so integer settings also accept an integer string.
 */
export interface SesBounceHandlerProps {
  /**
   * Messages per processor invocation (SQS event source `batchSize`, 1..10000). Above 10, SQS needs
   * a batching window ({@link maxBatchingWindowSeconds} ≥ 1). The processor's timeout, and from it the
   * queue's visibility timeout, are derived from it (see `processorTimingFor`). Formerly
   * `processorBatchSize`, which is still read. See docs/ingest.md for how the default was chosen.
   * @default 100
   */
  readonly batchSize?: number | undefined;
  /**
   * Longest the event source gathers messages before invoking (SQS event source
   * `maximumBatchingWindow`, 0..300 seconds): a batch goes when it is full or this has passed.
   * @default 5
   */
  readonly maxBatchingWindowSeconds?: number | undefined;
  /**
   * Upper bound on concurrent processor invocations driven by the queue (SQS event source
   * `maximumConcurrency`, 2..1000). Formerly `processorMaxConcurrency`, which is still read.
   * @default 5
   */
  readonly maxConcurrency?: number | undefined;
  /**
   * Receives before a message is moved to the dead-letter queue (queue redrive `maxReceiveCount`).
   * @default 5
   */
  readonly dlqMaxReceiveCount?: number | undefined;
  /**
   * Retention of the processor's CloudWatch log group, in days; one of {@link LOG_RETENTION_DAYS}.
   * @default 30
   */
  readonly logRetentionDays?: number | undefined;
  /**
   * SES identities (verified domains or email addresses, by name) whose Bounce/Complaint/Delivery
   * notifications the stack points at its topic (SES `SetIdentityNotificationTopic`, through a custom
   * resource; cleared again when the identity leaves this list or the stack is destroyed).
   * Also limits the topic policy's `aws:SourceArn` to these identities (plus the configuration sets).
   * @default []
   */
  readonly sesIdentities?: readonly string[] | undefined;
  /**
   * Existing SES configuration sets (by name; not created here) that get an event destination
   * publishing {@link sesEventTypes} to the topic. Also limits the topic policy's `aws:SourceArn`.
   * @default []
   */
  readonly sesConfigurationSets?: readonly string[] | undefined;
  /**
   * Event types the configuration set event destinations publish; a subset of {@link SES_EVENT_TYPES}.
   * @default ['BOUNCE', 'COMPLAINT', 'DELIVERY', 'SEND']
   */
  readonly sesEventTypes?: readonly SesEventType[] | undefined;
  /**
   * Notification types pointed at the topic for each of {@link sesIdentities};
   * a subset of {@link IDENTITY_NOTIFICATION_TYPES}.
   * @default ['Bounce', 'Complaint', 'Delivery']
   */
  readonly identityNotificationTypes?: readonly IdentityNotificationType[] | undefined;
  /**
   * How SES events reach the processing queue: `sns` (every configuration set of
   * {@link sesConfigurationSets} gets an SNS event destination for the topic), `eventbridge` (an
   * EventBridge event destination on the default bus instead, and a rule on that bus sends the events
   * the processor acts on to the same queue), or `both` (both destinations, while moving from one to
   * the other: each event is applied and counted once). Identity notifications ({@link sesIdentities})
   * always come through SNS. With `eventbridge` or `both`, SES's `Sending Status Disabled` events
   * also page on-call. docs/ingest.md, "EventBridge".
   * @default 'sns'
   */
  readonly ingest?: IngestMode | undefined;
  /**
   * The suppression policy (decision overrides, soft-bounce escalation, temporary suppression and
   * audit retention; see the README's "Suppression policy"), passed to the processor as `BOUNCE_POLICY`.
   * Validated here with the same schema the function applies at start.
   * @default {} (the documented defaults)
   */
  readonly policy?: PolicyConfig | undefined;
  /**
   * Sync with the SES account-level suppression list: `push` (our permanent suppressions to SES, and
   * what an operator lifts here removed from it), `pull` (what SES adds becomes `ses-sync` suppressions
   * here), `both`, or `off` (no sync function, rule or SES permission is created).
   * @default 'off'
   */
  readonly sesSyncMode?: SesSyncMode | undefined;
  /**
   * EventBridge schedule of the sync (`rate(...)` or `cron(...)`); only used when {@link sesSyncMode} is not `off`.
   * @default 'rate(1 hour)'
   */
  readonly syncSchedule?: string | undefined;
  /**
   * SES suppression-list calls per second the sync makes, retries included (0.1..50).
   * @default 1
   */
  readonly sesSyncRatePerSecond?: number | undefined;
  /**
   * EventBridge schedule of the hygiene job (rates, levels, metrics, list hygiene): `rate(...)` of at
   * most 12 hours, or a `cron(...)` whose interval can be read (every N minutes, hourly, every N hours).
   * The heartbeat alarm (`HygieneHeartbeatMissing`) is derived from it: two missed intervals (at
   * least one hour each) page on-call.
   * @default 'rate(1 hour)'
   */
  readonly hygieneSchedule?: string | undefined;
  /**
   * Rate levels as fractions (0.05 = 5 %) and the minimum volume below which an identity is
   * `low-volume`; used by the hygiene job and by the rate alarms. Keys not given keep their default.
   * @default { bounceWarning: 0.02, bounceCritical: 0.05, complaintWarning: 0.0008, complaintCritical: 0.001, minimumVolume: 200 }
   */
  readonly thresholds?: Partial<Thresholds> | undefined;
  /**
   * Email address subscribed to the on-call topic (it must confirm the subscription); empty: none.
   * @default '' (subscribe your pager to the `OnCallTopicArn` output)
   */
  readonly alarmEmail?: string | undefined;
  /**
   * Age of the oldest queued notification, in minutes, that pages on-call (processing stalled).
   * @default 30
   */
  readonly oldestMessageAgeMinutes?: number | undefined;
  /**
   * Sender-side failures (blocklists, SPF/DKIM/DMARC, reputation) within 15 minutes that page on-call.
   * @default 10
   */
  readonly senderSideAlarmThreshold?: number | undefined;
  /**
   * Sender-side failures at one mailbox provider (Google, Microsoft, Yahoo/AOL, …) within an hour
   * that page on-call: a block list listing or an authentication requirement there.
   * @default 25
   */
  readonly providerSenderSideAlarmThreshold?: number | undefined;
  /**
   * Also send on-call alarms to a chat channel through AWS Chatbot: `{ slack: { workspaceId,
   * channelId } }` or `{ teams: { teamId, channelId, tenantId } }` (the workspace or team authorised
   * once in the AWS Chatbot console); read-only guardrail, a role with no permissions.
   * @default {} (no chat channel)
   */
  readonly chat?: ChatSettings | undefined;
  /**
   * Emergency brake (opt-in): when an identity is critical over 24 h, the hygiene run pauses the SES
   * configuration sets mapped to it (and the whole account only with `pauseAccount`), and tells on-call.
   * @default { enabled: false, configurationSets: {}, pauseAccount: false }
   */
  readonly emergencyBrake?: BrakeConfigInput | undefined;
  /**
   * SES tenants (by name) that get their own `Tenant`-dimension metrics and a warning and a critical
   * alarm each (docs/tenants.md); every other tenant is in `bounce hygiene`'s `tenants` rows and the
   * unlisted-tenant maxima only, so metric cost stays bounded however many tenants send. Tenants the
   * brake may disable (`emergencyBrake.tenants`) must be listed here.
   * @default []
   */
  readonly tenants?: readonly string[] | undefined;

  /**
   * Compliance profile: `nist-800-53-r5` adds cdk-nag's NIST 800-53 rev 5 pack to every synth and the
   * resources it asks for (KMS-encrypted log groups, an AWS Backup plan for the table, reserved
   * concurrency, customer managed IAM policies); see docs/security.md for what it costs. `none`: the
   * AwsSolutions and Serverless packs only.
   * @default 'none'
   */
  readonly compliance?: ComplianceProfile | undefined;
}

/**
 * The repository app's settings, resolved: the construct's settings ({@link SesBounceHandlerProps},
 * defaults filled in) plus the stack's name.
 */
export interface AppConfig extends SesBounceHandlerSettings {
  /**
   * CloudFormation stack name (also the CDK stack id, so `cdk.out/<stackName>.template.json`).
   * @default 'SesBounceHandler'
   */
  readonly stackName: string;
}

/** {@link SesBounceHandlerProps} resolved: every setting present, defaults filled in. */
export type SesBounceHandlerSettings = {
  readonly [K in Exclude<keyof SesBounceHandlerProps, 'thresholds' | 'emergencyBrake'>]-?: Exclude<
    SesBounceHandlerProps[K],
    undefined
  >;
} & { readonly thresholds: Thresholds; readonly emergencyBrake: BrakeConfig };

/** Compliance profiles (extra cdk-nag packs and the resources they require). */
export const COMPLIANCE_PROFILES = ['none', 'nist-800-53-r5'] as const;
export type ComplianceProfile = (typeof COMPLIANCE_PROFILES)[number];

/** Paths by which SES events reach the processing queue (see {@link SesBounceHandlerProps.ingest}). */
export const INGEST_MODES = ['sns', 'eventbridge', 'both'] as const;
export type IngestMode = (typeof INGEST_MODES)[number];

/** Modes of the SES account suppression list sync. */
export const SES_SYNC_MODES = ['off', 'push', 'pull', 'both'] as const;
export type SesSyncMode = (typeof SES_SYNC_MODES)[number];

/** Configuration set event types (SES v2 `EventType` names) the topic may receive. */
export const SES_EVENT_TYPES = [
  'BOUNCE',
  'COMPLAINT',
  'DELIVERY',
  'SEND',
  'DELIVERY_DELAY',
  'REJECT',
] as const;
export type SesEventType = (typeof SES_EVENT_TYPES)[number];

/** Identity notification types (SES v1 `NotificationType`) that can go to an SNS topic. */
export const IDENTITY_NOTIFICATION_TYPES = ['Bounce', 'Complaint', 'Delivery'] as const;
export type IdentityNotificationType = (typeof IDENTITY_NOTIFICATION_TYPES)[number];

/** Retention periods (days) that CloudWatch Logs accepts, excluding "never expire". */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The values used for settings absent from the context. */
export const DEFAULT_CONFIG: AppConfig = {
  stackName: 'SesBounceHandler',
  batchSize: 100,
  maxBatchingWindowSeconds: 5,
  maxConcurrency: 5,
  dlqMaxReceiveCount: 5,
  logRetentionDays: 30,
  sesIdentities: [],
  sesConfigurationSets: [],
  sesEventTypes: ['BOUNCE', 'COMPLAINT', 'DELIVERY', 'SEND'],
  identityNotificationTypes: ['Bounce', 'Complaint', 'Delivery'],
  ingest: 'sns',
  policy: {},
  sesSyncMode: 'off',
  syncSchedule: 'rate(1 hour)',
  sesSyncRatePerSecond: 1,
  hygieneSchedule: 'rate(1 hour)',
  thresholds: DEFAULT_THRESHOLDS,
  alarmEmail: '',
  oldestMessageAgeMinutes: 30,
  senderSideAlarmThreshold: 10,
  providerSenderSideAlarmThreshold: 25,
  chat: {},
  emergencyBrake: DEFAULT_BRAKE_CONFIG,
  tenants: [],
  // --- Compliance profile (issue 16) ---
  compliance: 'none',
};

/** Former names of settings, still read (setting both a name and its former name to different values is an error). */
export const CONFIG_ALIASES = {
  processorBatchSize: 'batchSize',
  processorMaxConcurrency: 'maxConcurrency',
} as const satisfies Record<string, keyof AppConfig>;

/** The settings' keys (former names included): the app's context keys and, but for `stackName`, the construct's props. */
export const CONFIG_KEYS: readonly string[] = [
  ...Object.keys(DEFAULT_CONFIG),
  ...Object.keys(CONFIG_ALIASES),
];

/** Thrown by {@link loadConfig} and {@link resolveSettings}; the message names every bad key and value, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** `-c key=42` gives the string "42": accept integer strings, leave everything else for the schema to judge. */
const integerString = (value: unknown): unknown =>
  typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;

const integer = (min: number, max: number) => {
  const error = `expected an integer ${min}..${max}`;
  return z.preprocess(
    integerString,
    z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
  );
};

/**
 * `-c key=...` gives a string: accept a JSON array (`'["a","b"]'`) or a comma-separated list (`a,b`;
 * blanks around items are trimmed, empty items dropped, so `""` is the empty list). Arrays (from
 * `cdk.json`) pass through; anything else is left for the schema to reject.
 */
const listString = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return value;
    }
  }
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
};

/**
 * A list of distinct strings, each accepted by `isValid`. One issue per key, naming the offending items.
 * `what` describes one item, e.g. "SES configuration set names".
 */
const list = <T extends string>(
  what: string,
  isValid: (item: string) => item is T,
  { nonEmpty }: { nonEmpty: boolean },
) => {
  const expected = `expected ${nonEmpty ? 'a non-empty' : 'a'} list of ${what}, as a JSON array or comma-separated`;
  return z.preprocess(
    listString,
    z.array(z.unknown(), { error: expected }).transform((items, ctx): T[] => {
      const bad = items.filter((item) => typeof item !== 'string' || !isValid(item));
      const seen = new Set<unknown>();
      const repeated = items.filter((item) => seen.size === seen.add(item).size);
      const problem =
        bad.length > 0
          ? `not valid: ${bad.map(describe).join(', ')}`
          : repeated.length > 0
            ? `repeated: ${[...new Set(repeated)].map(describe).join(', ')}`
            : nonEmpty && items.length === 0
              ? 'empty'
              : undefined;
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', message: `${expected}; ${problem}` });
        return z.NEVER;
      }
      return items as T[];
    }),
  );
};

const oneOf =
  <T extends string>(allowed: readonly T[]) =>
  (item: string): item is T =>
    (allowed as readonly string[]).includes(item);

/**
 * An SES identity name: a domain (`example.com`, `mail.example.co.uk`) or an email address
 * (`noreply@example.com`). ARNs are not accepted: the stack builds them for the deploy account/region.
 */
const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}$/;
const isIdentityName = (item: string): item is string => {
  const at = item.lastIndexOf('@');
  if (at === -1) return DOMAIN.test(item);
  const local = item.slice(0, at);
  return (
    local.length > 0 && local.length <= 64 && /^[^\s@,"]+$/.test(local) && DOMAIN.test(item.slice(at + 1))
  );
};

/** SES configuration set names: letters, digits, underscores and hyphens, at most 64. */
const isConfigurationSetName = (item: string): item is string => /^[A-Za-z0-9_-]{1,64}$/.test(item);

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(2 hours)`, `rate(1 day)`, or a six-field `cron(...)`. */
const SCHEDULE_EXPRESSION =
  /^(rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)|cron\(\S+( \S+){5}\))$/;

/**
 * A structured setting: an object from cdk.json, or its JSON text from `-c key='{...}'`, checked by
 * `resolve` (which throws an error naming the bad field and value).
 */
const jsonSetting = <T>(resolve: (value: unknown) => T) =>
  z.preprocess(
    (value) => {
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    },
    z.unknown().transform((value, ctx): T => {
      try {
        return resolve(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  );

const scheduleExpression = (fallback: string) =>
  z
    .string({ error: 'expected an EventBridge schedule expression' })
    .regex(SCHEDULE_EXPRESSION, {
      error:
        'expected an EventBridge schedule expression: rate(N minute|minutes|hour|hours|day|days) or cron(...)',
    })
    .default(fallback);

const retentionError = `expected one of ${LOG_RETENTION_DAYS.join(', ')} (days)`;

const stackName = z
  .string({ error: 'expected a string' })
  .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, {
    error: 'expected a CloudFormation stack name (a letter, then letters, digits or hyphens; at most 128)',
  })
  .default(DEFAULT_CONFIG.stackName);

const handlerSchema = z.object({
  batchSize: integer(1, 10_000).default(DEFAULT_CONFIG.batchSize),
  maxBatchingWindowSeconds: integer(0, 300).default(DEFAULT_CONFIG.maxBatchingWindowSeconds),
  maxConcurrency: integer(2, 1000).default(DEFAULT_CONFIG.maxConcurrency),
  dlqMaxReceiveCount: integer(1, 1000).default(DEFAULT_CONFIG.dlqMaxReceiveCount),
  logRetentionDays: z
    .preprocess(
      integerString,
      z
        .number({ error: retentionError })
        .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
          error: retentionError,
        }),
    )
    .default(DEFAULT_CONFIG.logRetentionDays),
  sesIdentities: list('SES identity names (domains or email addresses)', isIdentityName, {
    nonEmpty: false,
  }).default([...DEFAULT_CONFIG.sesIdentities]),
  sesConfigurationSets: list(
    'SES configuration set names (letters, digits, _ or -; at most 64)',
    isConfigurationSetName,
    { nonEmpty: false },
  ).default([...DEFAULT_CONFIG.sesConfigurationSets]),
  sesEventTypes: list(`SES event types out of ${SES_EVENT_TYPES.join(', ')}`, oneOf(SES_EVENT_TYPES), {
    nonEmpty: true,
  }).default([...DEFAULT_CONFIG.sesEventTypes]),
  identityNotificationTypes: list(
    `notification types out of ${IDENTITY_NOTIFICATION_TYPES.join(', ')}`,
    oneOf(IDENTITY_NOTIFICATION_TYPES),
    { nonEmpty: true },
  ).default([...DEFAULT_CONFIG.identityNotificationTypes]),
  ingest: z
    .enum(INGEST_MODES, { error: `expected one of ${INGEST_MODES.join(', ')}` })
    .default(DEFAULT_CONFIG.ingest),
  policy: jsonSetting((value) => {
    resolvePolicyConfig(value, 'policy');
    return value as PolicyConfig;
  }).default({}),
  sesSyncMode: z
    .enum(SES_SYNC_MODES, { error: `expected one of ${SES_SYNC_MODES.join(', ')}` })
    .default(DEFAULT_CONFIG.sesSyncMode),
  syncSchedule: scheduleExpression(DEFAULT_CONFIG.syncSchedule),
  sesSyncRatePerSecond: z
    .preprocess(
      (value) => (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value),
      z
        .number({ error: 'expected calls per second, 0.1..50' })
        .min(0.1, { error: 'expected calls per second, 0.1..50' })
        .max(50, { error: 'expected calls per second, 0.1..50' }),
    )
    .default(DEFAULT_CONFIG.sesSyncRatePerSecond),
  hygieneSchedule: scheduleExpression(DEFAULT_CONFIG.hygieneSchedule),
  thresholds: jsonSetting((value) => resolveThresholds(value, 'thresholds')).default(
    DEFAULT_CONFIG.thresholds,
  ),
  alarmEmail: z
    .string({ error: 'expected an email address (or "" for none)' })
    .trim()
    .refine((value) => value === '' || /^[^\s@,"<>]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(value), {
      error: 'expected an email address (or "" for none)',
    })
    .default(DEFAULT_CONFIG.alarmEmail),
  oldestMessageAgeMinutes: integer(5, 24 * 60).default(DEFAULT_CONFIG.oldestMessageAgeMinutes),
  senderSideAlarmThreshold: integer(1, 100_000).default(DEFAULT_CONFIG.senderSideAlarmThreshold),
  providerSenderSideAlarmThreshold: integer(1, 100_000).default(
    DEFAULT_CONFIG.providerSenderSideAlarmThreshold,
  ),
  chat: jsonSetting((value) => resolveChatSettings(value, 'chat')).default(DEFAULT_CONFIG.chat),
  emergencyBrake: jsonSetting((value) => resolveBrakeConfig(value, 'emergencyBrake')).default(
    DEFAULT_CONFIG.emergencyBrake,
  ),
  tenants: list(
    'SES tenant names (letters, digits, _ or -; at most 64)',
    (item): item is string => isTenantName(item),
    {
      nonEmpty: false,
    },
  ).default([...DEFAULT_CONFIG.tenants]),
  // --- Compliance profile (issue 16) ---
  compliance: z
    .enum(COMPLIANCE_PROFILES, { error: `expected one of ${COMPLIANCE_PROFILES.join(', ')}` })
    .default(DEFAULT_CONFIG.compliance),
});

/**
 * The hygiene schedule's longest gap between runs, in minutes, or why it cannot be read. The heartbeat
 * alarm is derived from it (two missed intervals of at least an hour; CloudWatch evaluates at most a
 * day, hence at most 12 hours).
 */
export function hygieneIntervalMinutes(schedule: string): number | { problem: string } {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  const minutes = rate
    ? Number(rate[1]) * (rate[2]?.startsWith('minute') ? 1 : rate[2]?.startsWith('hour') ? 60 : 1440)
    : cronIntervalMinutes(schedule);
  if (typeof minutes !== 'number') return minutes;
  if (minutes > MAX_HYGIENE_INTERVAL_MINUTES)
    return {
      problem: `runs ${minutes / 60} hours apart; the heartbeat alarm (two missed runs) needs a run at least every ${MAX_HYGIENE_INTERVAL_MINUTES / 60} hours`,
    };
  return minutes;
}

const MAX_HYGIENE_INTERVAL_MINUTES = 12 * 60;

/** Longest cyclic gap between the values a cron field selects out of 0..size-1 (`*`, `a/N`, `* /N`, `a,b,c`). */
function cronFieldGap(field: string, size: number): number | undefined {
  let values: number[];
  const step = /^(\*|\d+)\/(\d+)$/.exec(field);
  if (field === '*') return 1;
  if (step) {
    const every = Number(step[2]);
    if (every < 1) return undefined;
    values = [];
    for (let v = step[1] === '*' ? 0 : Number(step[1]); v < size; v += every) values.push(v);
  } else if (/^\d+(,\d+)*$/.test(field)) {
    values = [...new Set(field.split(',').map(Number))].sort((a, b) => a - b);
  } else return undefined;
  if (values.length === 0 || values.some((v) => v >= size)) return undefined;
  const first = values[0] as number;
  return Math.max(...values.map((v, n) => (values[n + 1] ?? first + size) - v));
}

/** Every N minutes, hourly at fixed minutes, or every N hours at one minute, on every day; nothing else. */
function cronIntervalMinutes(schedule: string): number | { problem: string } {
  const problem = {
    problem:
      'the heartbeat alarm cannot be derived from this cron(...): use rate(...), or a cron(...) that runs every day at fixed minutes or hours (e.g. cron(0 * * * ? *), cron(0/15 * * * ? *), cron(0 0/3 * * ? *))',
  };
  const fields = /^cron\((.*)\)$/.exec(schedule)?.[1]?.split(' ');
  if (fields?.length !== 6) return problem;
  const [minute = '', hour = '', dayOfMonth, month, dayOfWeek, year] = fields;
  const everyDay =
    ['*', '?'].includes(dayOfMonth ?? '') &&
    month === '*' &&
    ['*', '?'].includes(dayOfWeek ?? '') &&
    year === '*';
  if (!everyDay) return problem;
  if (hour === '*') return cronFieldGap(minute, 60) ?? problem;
  const hours = cronFieldGap(hour, 24);
  if (hours === undefined || !/^\d+$/.test(minute)) return problem;
  return hours * 60;
}

type HandlerSettingsOutput = z.output<typeof handlerSchema>;

/** Settings that are valid alone but contradict each other; each issue names both settings. */
function refineTogether(config: HandlerSettingsOutput, ctx: z.RefinementCtx): void {
  // SQS event sources refuse a batch size above 10 without a batching window (CreateEventSourceMapping).
  if (config.batchSize > 10 && config.maxBatchingWindowSeconds < 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxBatchingWindowSeconds'],
      message: `expected at least 1 when batchSize is above 10 (batchSize is ${config.batchSize}; SQS needs a batching window for batches over 10)`,
    });
  }
  const interval = SCHEDULE_EXPRESSION.test(config.hygieneSchedule)
    ? hygieneIntervalMinutes(config.hygieneSchedule)
    : 60;
  if (typeof interval !== 'number') {
    ctx.addIssue({ code: 'custom', path: ['hygieneSchedule'], message: interval.problem });
  }
  // The brake pauses configuration sets the stack knows (and may scope its SES permission to).
  const wired = new Set(config.sesConfigurationSets);
  const unwired = Object.values(config.emergencyBrake.configurationSets)
    .flat()
    .filter((name) => !wired.has(name));
  if (unwired.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['emergencyBrake'],
      message: `configurationSets names ${[...new Set(unwired)].map(describe).join(', ')}, not in sesConfigurationSets (${describe(config.sesConfigurationSets)}); add them there or remove them from the brake`,
    });
  }
  // The brake disables only tenants that have their own alarms (and the IAM grant names each one).
  const listed = new Set(config.tenants);
  const unlisted = config.emergencyBrake.tenants.filter((name) => !listed.has(name));
  if (unlisted.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['emergencyBrake'],
      message: `tenants names ${unlisted.map(describe).join(', ')}, not in tenants (${describe(config.tenants)}); add them there or remove them from the brake`,
    });
  }
}

const handlerSettings = handlerSchema.superRefine(refineTogether);
const appSettings = handlerSchema.extend({ stackName }).superRefine(refineTogether);

/** A context key that could be one of ours: CDK's own (`@aws-cdk/…`, `aws:cdk:…`, `cli-telemetry`) never are. */
const SETTING_SHAPE = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Validates the app's settings and fills in defaults. Pure: pass it the CDK context (or any record);
 * keys shaped like CDK's own (feature flags, `aws:cdk:…`, `cli-telemetry`) are ignored, any other key
 * that is not a setting is refused (with "did you mean …"), `undefined` means "use the default".
 *
 * @throws ConfigError e.g. `config "batchSize": expected an integer 1..10000, got "abc"`
 */
export function loadConfig(context: Record<string, unknown>): AppConfig {
  const ours = Object.fromEntries(Object.entries(context).filter(([key]) => SETTING_SHAPE.test(key)));
  return parseSettings(ours, appSettings, CONFIG_KEYS, 'config') as AppConfig;
}

/** The construct's props' keys (every setting's, former names included, but `stackName`). */
export const PROP_KEYS: readonly string[] = CONFIG_KEYS.filter((key) => key !== 'stackName');

/**
 * Validates the construct's props (the same schema as {@link loadConfig}, without `stackName`) and
 * fills in defaults; every key must be a setting. `extraKeys` are keys the caller handles itself
 * (a stack's own props), accepted and left out.
 *
 * @throws ConfigError e.g. `SesBounceHandler "alarmEmail": expected an email address (or "" for none), got "oncall-at-acme"`
 */
export function resolveSettings(
  props: unknown,
  source = 'SesBounceHandler',
  extraKeys: readonly string[] = [],
): SesBounceHandlerSettings {
  if (props !== undefined && (typeof props !== 'object' || props === null || Array.isArray(props)))
    throw new ConfigError(`${source}: expected an object of settings, got ${describe(props)}`);
  const given = Object.fromEntries(
    Object.entries((props ?? {}) as Record<string, unknown>).filter(([key]) => !extraKeys.includes(key)),
  );
  return parseSettings(given, handlerSettings, [...PROP_KEYS, ...extraKeys], source);
}

function parseSettings<S extends z.ZodType>(
  context: Record<string, unknown>,
  schema: S,
  known: readonly string[],
  source: string,
): z.output<S> {
  const unknownKeys = Object.keys(context)
    .filter((key) => !known.includes(key) && context[key] !== undefined)
    .map((key) => {
      const near = didYouMean(key, known);
      return `${source} "${key}": not a setting${near === undefined ? ` (settings: ${known.join(', ')})` : ` (did you mean "${near}"?)`}, got ${describe(context[key])}`;
    });
  // Former names fill in their setting; errors then name the key the operator actually wrote.
  const input: Record<string, unknown> = { ...context };
  const writtenAs: Record<string, string> = {};
  const aliasProblems: string[] = [];
  for (const [former, current] of Object.entries(CONFIG_ALIASES)) {
    delete input[former];
    if (context[former] === undefined) continue;
    if (context[current] !== undefined && String(context[current]) !== String(context[former])) {
      aliasProblems.push(
        `${source} "${former}": the former name of "${current}", which is set too (to ${describe(context[current])}); keep one, got ${describe(context[former])}`,
      );
      continue;
    }
    if (context[current] === undefined) {
      input[current] = context[former];
      writtenAs[current] = former;
    }
  }
  const result = schema.safeParse(input);
  if (!result.success || aliasProblems.length > 0 || unknownKeys.length > 0) {
    const lines = (result.error?.issues ?? []).map((issue) => {
      const setting = String(issue.path[0] ?? '(root)');
      const key = writtenAs[setting] ?? setting;
      // A nested setting's own check already quotes the value it refused: say it once.
      const quoted = /\bgot\b/.test(issue.message);
      return `${source} "${key}": ${issue.message}${quoted ? '' : `, got ${describe(context[key])}`}`;
    });
    throw new ConfigError([...unknownKeys, ...aliasProblems, ...lines].join('\n'));
  }
  return result.data as z.output<S>;
}

/** The known key closest to a mistyped one (case ignored), if it is close enough to be a typo. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const typed = key.toLowerCase().slice(0, 64);
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { key: candidate, distance };
  }
  if (best === undefined) return undefined;
  return best.distance <= Math.max(2, Math.floor(best.key.length / 4)) ? best.key : undefined;
}

/** Levenshtein distance (two rows; keys are short and bounded above). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, n) => n);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A value as JSON, shortened: errors quote what was given without echoing a whole document. */
function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ACCOUNT_DIMENSION, UNLISTED_TENANT_METRICS } from '../../functions/hygiene/metrics';
import { identityDimension } from '../../shared/core/bounds';
import { PROVIDER_NAMES, PROVIDERS, type Provider } from '../../shared/core/providers';
import { POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from './function-defaults';

/** Rate thresholds as fractions (0.05 = 5 %), the same the hygiene job uses for its levels. */
export interface AlarmThresholds {
  readonly bounceWarning: number;
  readonly bounceCritical: number;
  readonly complaintWarning: number;
  readonly complaintCritical: number;
  readonly minimumVolume: number;
}

export interface MonitoringProps {
  readonly processor: lambda.IFunction;
  readonly hygiene: lambda.IFunction;
  /**
   * Longest gap between scheduled hygiene runs (derived from `hygieneSchedule`, at most 12 hours):
   * the heartbeat alarm fires after two such periods (each at least an hour) without a run.
   * @default Duration.hours(1)
   */
  readonly hygieneInterval?: Duration;
  /**
   * The SES suppression list sync, when deployed (`sesSyncMode` not `off`).
   * @default no sync alarm
   */
  readonly sync?: lambda.IFunction | undefined;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** The SNS subscription's DLQ: notifications SNS could not deliver to {@link queue}. */
  readonly subscriptionDeadLetterQueue: sqs.IQueue;
  /**
   * SES events EventBridge could not deliver to the processing queue or to on-call (`ingest`
   * `eventbridge` or `both`).
   * @default no such alarm
   */
  readonly eventBridgeDeadLetterQueue?: sqs.IQueue | undefined;
  /** Hygiene schedule events EventBridge could not deliver. */
  readonly hygieneScheduleDeadLetterQueue: sqs.IQueue;
  /**
   * Sync schedule events EventBridge could not deliver, when the sync is deployed.
   * @default no sync schedule alarm
   */
  readonly syncScheduleDeadLetterQueue?: sqs.IQueue | undefined;
  /** Identities that get their own rate alarms (the account always gets them). */
  readonly identities: readonly string[];
  /**
   * SES tenants that get a warning and a critical alarm each (on their `Level`); every other tenant is
   * watched through the unlisted-tenant maxima.
   * @default []
   */
  readonly tenants?: readonly string[];
  readonly thresholds: AlarmThresholds;
  /** Where every alarm (and its return to OK) goes. */
  readonly topic: sns.ITopic;
  /**
   * Age of the oldest queued notification that means processing has stalled.
   * @default Duration.minutes(30)
   */
  readonly oldestMessageAge?: Duration;
  /**
   * Sender-side failures (blocklists, DMARC, …) within 15 minutes that page on-call.
   * @default 10
   */
  readonly senderSideFailures?: number;
  /**
   * Sender-side failures at one mailbox provider within an hour that page on-call (a block list
   * listing, an authentication requirement there).
   * @default 25
   */
  readonly providerSenderSideFailures?: number;
}

/** Where each alarm's runbook entry lives (docs/operate.md, section "Alarm runbook"). */
export const RUNBOOK_URL =
  'https://github.com/ses-bounce-handler/ses-bounce-handler/blob/main/docs/operate.md';

/**
 * What an alarm's description must say: what it measures, the likely causes, the first three things
 * to check, and the anchor of its runbook entry in docs/operate.md.
 */
export interface Runbook {
  readonly what: string;
  readonly causes: string;
  readonly checks: readonly [string, string, string];
  readonly anchor: string;
}

/** CloudWatch's limit on an alarm description. */
const MAX_DESCRIPTION = 1024;

export function runbookDescription({ what, causes, checks, anchor }: Runbook): string {
  const text = `${what} Likely causes: ${causes} First: 1) ${checks[0]} 2) ${checks[1]} 3) ${checks[2]} Runbook: ${RUNBOOK_URL}#${anchor}`;
  if (text.length > MAX_DESCRIPTION)
    throw new Error(
      `alarm description of ${anchor} is ${text.length} characters (CloudWatch allows ${MAX_DESCRIPTION})`,
    );
  return text;
}

/**
 * Mailbox providers with their own alarms: every named one of the fixed set (./providers), not
 * `other` (a mix of receivers, watched by the account-wide alarms).
 */
export const ALARMED_PROVIDERS: readonly Exclude<Provider, 'other'>[] = PROVIDERS.filter(
  (provider): provider is Exclude<Provider, 'other'> => provider !== 'other',
);

/**
 * A provider's own complaint-rate limit where it publishes one (Gmail and Yahoo: bulk senders must
 * stay under 0.3 %, https://support.google.com/a/answer/81126, https://senders.yahooinc.com/best-practices/);
 * other providers are held to `thresholds.complaintCritical`.
 */
export const PROVIDER_COMPLAINT_LIMITS: Partial<Record<Provider, number>> = { google: 0.003, yahoo: 0.003 };

/** The account's rows in the hygiene metrics carry this `Identity` dimension. */
export const ACCOUNT_IDENTITY = ACCOUNT_DIMENSION;

/**
 * On-call: every alarm that should wake someone (each description says what
 * it means and the first thing to do), and a dashboard of the same signals.
 */
export class Monitoring extends Construct {
  readonly topic: sns.ITopic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = props.topic;

    const t = props.thresholds;
    const metric = (name: string, dimensions: Record<string, string>, statistic: string, period: Duration) =>
      new cloudwatch.Metric({
        namespace: POWERTOOLS_METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: POWERTOOLS_SERVICE_NAME, ...dimensions },
        statistic,
        period,
      });

    // Rates per identity, ignored below the minimum volume (3 bounces out of 10 say little).
    // `suffix` keeps metric ids unique when several expressions share one dashboard widget.
    const rate = (identity: string, name: 'BounceRate' | 'ComplaintRate', suffix = '') =>
      new cloudwatch.MathExpression({
        expression: `IF(sent${suffix} >= ${t.minimumVolume}, rate${suffix}, 0)`,
        usingMetrics: {
          [`rate${suffix}`]: metric(
            name,
            { Identity: identityDimension(identity), Window: '24h' },
            'Maximum',
            Duration.hours(1),
          ),
          [`sent${suffix}`]: metric(
            'Sent',
            { Identity: identityDimension(identity), Window: '24h' },
            'Maximum',
            Duration.hours(1),
          ),
        },
        label: `${name} ${identity} (24 h, %)`,
        period: Duration.hours(1),
      });
    // The same per mailbox provider, from the hygiene job's Provider-dimensioned rates.
    const providerRate = (provider: Provider, name: 'BounceRate' | 'ComplaintRate', suffix = '') =>
      new cloudwatch.MathExpression({
        expression: `IF(sent${suffix} >= ${t.minimumVolume}, rate${suffix}, 0)`,
        usingMetrics: {
          [`rate${suffix}`]: metric(
            name,
            { Provider: provider, Window: '24h' },
            'Maximum',
            Duration.hours(1),
          ),
          [`sent${suffix}`]: metric(
            'Sent',
            { Provider: provider, Window: '24h' },
            'Maximum',
            Duration.hours(1),
          ),
        },
        label: `${name} ${provider} (24 h, %)`,
        period: Duration.hours(1),
      });
    const pct = (fraction: number) => `${Math.round(fraction * 100_000) / 1000} %`;
    const usedIds = new Set<string>();
    for (const identity of [ACCOUNT_IDENTITY, ...props.identities]) {
      const who = identity === ACCOUNT_IDENTITY ? 'the account' : `identity ${identity}`;
      // Construct ids keep letters and digits only; `a.b.com` and `ab.com` would collide without the suffix.
      let safe = identity.replace(/[^A-Za-z0-9]/g, '');
      if (usedIds.has(safe)) safe = `${safe}${usedIds.size}`;
      usedIds.add(safe);
      const bounceRunbook = (level: string, threshold: number): Runbook => ({
        what: `${level}: permanent-bounce rate of ${who} over 24 h is at or above ${pct(threshold)} (SES reviews accounts at 5 % and may pause sending at 10 %).`,
        causes:
          'a list imported or bought without validation, a pipeline not calling SuppressionClient.check, an old segment re-mailed.',
        checks: [
          '`bounce hygiene` for which identity and provider carry the bounces.',
          'the dashboard’s decisions by reason (userunknown vs hostunknown).',
          'that every sending pipeline checks suppressions before sending; stop the campaign if critical.',
        ],
        anchor: 'bounce-rate',
      });
      this.alarm(`BounceWarning${safe}`, rate(identity, 'BounceRate'), t.bounceWarning * 100, {
        runbook: bounceRunbook('Warning', t.bounceWarning),
      });
      this.alarm(`BounceCritical${safe}`, rate(identity, 'BounceRate'), t.bounceCritical * 100, {
        runbook: bounceRunbook('CRITICAL', t.bounceCritical),
      });
      const complaintRunbook = (level: string, threshold: number): Runbook => ({
        what: `${level}: complaint rate of ${who} over 24 h is at or above ${pct(threshold)} (SES reviews at 0.1 % and may pause sending at 0.5 %).`,
        causes:
          'mail recipients did not ask for, too frequent mailings, a hidden or broken unsubscribe link, a new audience.',
        checks: [
          '`bounce hygiene` for the identity and the providers whose users complain.',
          'which mailing went out before the rise; stop it if critical.',
          'that the List-Unsubscribe header and link work.',
        ],
        anchor: 'complaint-rate',
      });
      this.alarm(`ComplaintWarning${safe}`, rate(identity, 'ComplaintRate'), t.complaintWarning * 100, {
        runbook: complaintRunbook('Warning', t.complaintWarning),
      });
      this.alarm(`ComplaintCritical${safe}`, rate(identity, 'ComplaintRate'), t.complaintCritical * 100, {
        runbook: complaintRunbook('CRITICAL', t.complaintCritical),
      });
    }

    const sesReputation = (name: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName: name,
        statistic: 'Maximum',
        period: Duration.hours(1),
      });
    this.alarm('SesReputationBounceRate', sesReputation('Reputation.BounceRate'), 0.05, {
      runbook: {
        what: "SES's own account bounce rate (AWS/SES Reputation.BounceRate) is at or above 5 %: the account is under review.",
        causes: 'the same as a high bounce rate here, or mail sent by something this stack does not see.',
        checks: [
          "the SES console's reputation page.",
          "this stack's dashboard for the identity at fault.",
          'identities or accounts sending without this stack (not in `bounce hygiene`).',
        ],
        anchor: 'ses-reputation',
      },
    });
    this.alarm('SesReputationComplaintRate', sesReputation('Reputation.ComplaintRate'), 0.001, {
      runbook: {
        what: "SES's own account complaint rate (AWS/SES Reputation.ComplaintRate) is at or above 0.1 %: the account is under review.",
        causes: 'unwanted mail, or complaints about mail this stack does not see.',
        checks: [
          "the SES console's reputation page.",
          '`bounce hygiene` for the identities and providers with complaints.',
          'the mailing sent before the rise; stop it.',
        ],
        anchor: 'ses-reputation',
      },
    });
    this.alarm(
      'SenderSideFailures',
      metric('SenderSideFailures', {}, 'Sum', Duration.minutes(15)),
      props.senderSideFailures ?? 10,
      {
        runbook: {
          what: `At least ${props.senderSideFailures ?? 10} sender-side failures in 15 minutes: receivers refuse OUR mail; no recipient was suppressed.`,
          causes:
            'a block list listing of our IPs or domain, SPF/DKIM/DMARC failing after a DNS change, poor reputation, rate limits.',
          checks: [
            '`bounce hygiene` providers rows (which receiver, which reason).',
            '`bounce lookup` of a recent address for the exact reply.',
            'DNS authentication (SPF, DKIM, DMARC) and block list listings of the sending IPs.',
          ],
          anchor: 'sender-side-failures',
        },
      },
    );
    this.alarm('StoreGiveUps', metric('StoreGiveUps', {}, 'Sum', Duration.minutes(15)), 5, {
      runbook: {
        what: "At least 5 records in 15 minutes failed because an address kept changing under the processor until its time budget ran out (or no time was left to start them). Nothing is lost: SQS redelivers each one (then the DLQ, which has its own alarm) and every event already recorded is in its address's audit trail.",
        causes:
          'heavy contention on a few hot addresses (a storm, many late events), a function timeout too short for the batch size, a slow or throttled table.',
        checks: [
          'the processor log\'s "record failed" lines (errorName ConcurrentUpdateError or OutOfTimeError) and which address hashes repeat.',
          'batchSize, maxConcurrency and the function timeout (docs/ingest.md).',
          'DynamoDB throttling and latency on the dashboard; DeadLetters if records keep failing.',
        ],
        anchor: 'store-give-ups',
      },
    });

    // A recipient kept by hash is not suppressed: someone has to look, but nothing is lost.
    this.alarm('UnreadableRecipients', metric('UnreadableRecipients', {}, 'Sum', Duration.hours(1)), 1, {
      runbook: {
        what: 'At least one bounced or complaining recipient in an hour had an address the processor could not read. It is kept by hash (an UNREADABLE# item) and its co-recipients were applied, but it is not suppressed: a pipeline that sends to the same text again will bounce again.',
        causes:
          'a sending pipeline that sends to malformed addresses (two addresses in one field, a local host such as jane@localhost, a control character), or a change in what SES reports.',
        checks: [
          'the processor log\'s "unreadable recipient kept by hash" lines (the address by hash).',
          '`bounce lookup` of the text the pipeline sent to (it finds the hash and the problem).',
          "the pipeline's check before sending: SuppressionClient.check answers status 'invalid' for what the processor cannot read.",
        ],
        anchor: 'unreadable-recipients',
      },
    });

    // Per mailbox provider: problems there are averaged away in the account's figures.
    const providerThreshold = props.providerSenderSideFailures ?? 25;
    for (const provider of ALARMED_PROVIDERS) {
      const name = PROVIDER_NAMES[provider];
      const id = provider.charAt(0).toUpperCase() + provider.slice(1);
      this.alarm(
        `ProviderSenderSideFailures${id}`,
        metric('SenderSideFailures', { Provider: provider }, 'Sum', Duration.hours(1)),
        providerThreshold,
        {
          // This clock hour or the last one: fires as soon as the hour's count crosses the threshold,
          // stays through the next hour (a block does not lift at :00), clears after a quiet hour.
          evaluationPeriods: 2,
          datapointsToAlarm: 1,
          runbook: {
            what: `At least ${providerThreshold} sender-side rejections at ${name} within an hour: that provider refuses our mail while others may accept it.`,
            causes: `our sending IPs or domain on ${name}'s block list (Outlook S3150, Yahoo [BL21]), an authentication requirement (Microsoft 5.7.515, Gmail 5.7.26), throttling for volume or complaints.`,
            checks: [
              '`bounce hygiene` providers row for the reason counts, `bounce lookup` of a recent address for the reply.',
              `${name}'s postmaster pages for the code (docs/operate.md links them).`,
              'SPF/DKIM/DMARC alignment of the sending identity, then request delisting.',
            ],
            anchor: 'provider-sender-side-failures',
          },
        },
      );
      this.alarm(`ProviderBounceRate${id}`, providerRate(provider, 'BounceRate'), t.bounceCritical * 100, {
        runbook: {
          what: `Permanent-bounce rate at ${name} over 24 h is at or above ${pct(t.bounceCritical)} (once ${t.minimumVolume} messages went there).`,
          causes: `stale addresses at ${name} (closed accounts), a list without validation, or ${name} rejecting for policy with a permanent code.`,
          checks: [
            '`bounce hygiene` providers row: sender-side reasons mean a block, not bad addresses.',
            'the dashboard’s decisions by reason.',
            'which campaign went to that audience; stop it if the rate keeps rising.',
          ],
          anchor: 'provider-bounce-rate',
        },
      });
      const complaintLimit = PROVIDER_COMPLAINT_LIMITS[provider] ?? t.complaintCritical;
      this.alarm(
        `ProviderComplaintRate${id}`,
        providerRate(provider, 'ComplaintRate'),
        complaintLimit * 100,
        {
          runbook: {
            what: `Complaint rate at ${name} over 24 h is at or above ${pct(complaintLimit)}${PROVIDER_COMPLAINT_LIMITS[provider] !== undefined ? ` (${name}'s own limit for bulk senders)` : ''}.`,
            causes:
              'mail its users did not expect, no one-click unsubscribe (Gmail and Yahoo require it), too frequent mailings.',
            checks: [
              '`bounce hygiene` providers row and the identity with the complaints.',
              `${name}'s postmaster tools (Google Postmaster Tools, Yahoo Sender Hub, Microsoft SNDS).`,
              'the List-Unsubscribe and List-Unsubscribe-Post headers; pause the mailing.',
            ],
            anchor: 'provider-complaint-rate',
          },
        },
      );
    }

    // Per SES tenant: a warning and a critical alarm per configured tenant, on the hygiene job's Level
    // (0 ok or low-volume, 1 warning, 2 critical: bounce and complaint rates together), so each tenant
    // costs two alarms; every other tenant through one pair on the unlisted tenants' worst rates.
    const tenants = props.tenants ?? [];
    tenants.forEach((tenant, i) => {
      const level = metric('Level', { Tenant: tenant, Window: '24h' }, 'Maximum', Duration.hours(1));
      const tenantRunbook = (name: string, value: number, threshold: string): Runbook => ({
        what: `${name}: SES tenant ${tenant} is at its ${threshold} level over 24 h (bounce rate ≥ ${pct(value === 1 ? t.bounceWarning : t.bounceCritical)} or complaint rate ≥ ${pct(value === 1 ? t.complaintWarning : t.complaintCritical)}, once ${t.minimumVolume} messages were sent).`,
        causes:
          "that customer's list (imported or bought), a campaign to an old segment, unwanted mail; the other tenants are not affected.",
        checks: [
          '`bounce hygiene --json` tenants row (bounce or complaint rate) and the report’s tenant view.',
          `whether the brake disabled it (emergencyBrake.tenants; the hygiene run's actions).`,
          'talk to that customer before re-enabling (docs/tenants.md, The brake).',
        ],
        anchor: 'tenant-level',
      });
      // Construct ids from the index: tenant names may differ only in `_` and `-`.
      this.alarm(`TenantWarning${i}`, level, 1, { runbook: tenantRunbook('Warning', 1, 'warning') });
      this.alarm(`TenantCritical${i}`, level, 2, { runbook: tenantRunbook('CRITICAL', 2, 'critical') });
    });
    const unlisted = (name: 'BounceRate' | 'ComplaintRate') =>
      metric(UNLISTED_TENANT_METRICS[name], { Window: '24h' }, 'Maximum', Duration.hours(1));
    const unlistedRunbook = (what: string, threshold: number): Runbook => ({
      what: `CRITICAL: some SES tenant without its own alarms (not in the tenants setting) has a ${what} rate over 24 h at or above ${pct(threshold)} (once ${t.minimumVolume} messages were sent).`,
      causes:
        "one customer's list or campaign; which tenant is not in the metric (bounded cost), only in the report.",
      checks: [
        '`bounce hygiene --json` tenants rows with level critical.',
        'add that tenant to the tenants setting (its own alarms; emergencyBrake.tenants for the brake).',
        'stop that customer’s sending if it keeps rising.',
      ],
      anchor: 'unlisted-tenant-rate',
    });
    this.alarm('UnlistedTenantBounceCritical', unlisted('BounceRate'), t.bounceCritical * 100, {
      runbook: unlistedRunbook('bounce', t.bounceCritical),
    });
    this.alarm('UnlistedTenantComplaintCritical', unlisted('ComplaintRate'), t.complaintCritical * 100, {
      runbook: unlistedRunbook('complaint', t.complaintCritical),
    });

    this.alarm(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      1,
      {
        runbook: {
          what: 'Notifications failed processing repeatedly and wait in the DLQ; their recipients are not suppressed yet (the DLQ keeps them 14 days).',
          causes: 'a notification the processor cannot read, a table throttled or unreachable, a bug.',
          checks: [
            'the processor log\'s "record failed" lines for the error.',
            'one message of the DLQ (its SES payload).',
            'fix, then redrive (docs/operate.md, Dead-letter queue).',
          ],
          anchor: 'dead-letters',
        },
      },
    );
    // Dead letters of SNS and EventBridge: standard AWS/SQS depth (QueueName dimension), like DeadLetters.
    const depth = (queue: sqs.IQueue) =>
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
    this.alarm('UndeliveredNotifications', depth(props.subscriptionDeadLetterQueue), 1, {
      runbook: {
        what: 'SNS could not deliver SES notifications to the processing queue; they never reached the processor and their recipients are NOT suppressed yet (kept 14 days).',
        causes: 'the queue policy, its encryption key policy, or the queue itself changed or broken.',
        checks: [
          'CloudFormation drift on the queue, its policy and key.',
          'one message of the subscription DLQ (the SNS envelope is intact).',
          'move them back by hand: receive each from the subscription DLQ, send its body unchanged to the processing queue, delete it (start-message-move-task cannot redrive an SNS subscription DLQ).',
        ],
        anchor: 'undelivered-notifications',
      },
    });
    if (props.eventBridgeDeadLetterQueue) {
      this.alarm('UndeliveredEvents', depth(props.eventBridgeDeadLetterQueue), 1, {
        runbook: {
          what: 'EventBridge could not deliver SES events to the processing queue (or a Sending Status Disabled event to on-call) for a day of retries; they never reached the processor and their recipients are NOT suppressed yet (kept 14 days).',
          causes:
            "the processing queue's policy (it admits the rule by ARN) changed, the queue deleted, or the on-call topic's key policy changed.",
          checks: [
            'the ERROR_CODE and ERROR_MESSAGE attributes of a message in the EventBridge DLQ.',
            'CloudFormation drift on the queue policy, the rules and the on-call key.',
            'move them back by hand: receive each from the EventBridge DLQ, send its body unchanged to the processing queue, delete it (start-message-move-task cannot redrive an EventBridge rule DLQ).',
          ],
          anchor: 'undelivered-events',
        },
      });
    }
    const scheduleRunbook = (what: string): Runbook => ({
      what: `EventBridge could not invoke the ${what} function, so runs were skipped.`,
      causes: 'a missing invoke permission, the function deleted or throttled.',
      checks: [
        'the ERROR_CODE and ERROR_MESSAGE attributes of a message in the schedule DLQ.',
        'the function and its resource policy.',
        'purge the queue once fixed: nothing to redrive, the next run does the work.',
      ],
      anchor: 'schedule-undelivered',
    });
    this.alarm('HygieneScheduleUndelivered', depth(props.hygieneScheduleDeadLetterQueue), 1, {
      runbook: scheduleRunbook('hygiene'),
    });
    if (props.syncScheduleDeadLetterQueue) {
      this.alarm('SyncScheduleUndelivered', depth(props.syncScheduleDeadLetterQueue), 1, {
        runbook: scheduleRunbook('SES suppression list sync'),
      });
    }
    this.alarm(
      'ProcessorErrors',
      props.processor.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
      {
        runbook: {
          what: 'The processor Lambda failed whole invocations (not single records); notifications stay queued and are retried.',
          causes: 'a timeout, out of memory, a broken deployment, missing permissions.',
          checks: [
            "the processor's log group for the error.",
            'the last deployment.',
            "the function's duration and memory against its limits.",
          ],
          anchor: 'processor-errors',
        },
      },
    );
    this.alarm(
      'ProcessorThrottles',
      props.processor.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
      {
        runbook: {
          what: 'The processor Lambda was throttled; the queue buffers notifications meanwhile.',
          causes: "the account's concurrency used up by other functions, or a burst of notifications.",
          checks: [
            "the account's concurrent executions.",
            'which other functions used it.',
            'the queue age (OldestMessageAge).',
          ],
          anchor: 'processor-throttles',
        },
      },
    );
    const oldest = props.oldestMessageAge ?? Duration.minutes(30);
    this.alarm(
      'OldestMessageAge',
      props.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      oldest.toSeconds(),
      {
        runbook: {
          what: `Notifications have waited more than ${oldest.toMinutes()} minutes: processing is stalled or too slow, and suppressions lag behind.`,
          causes:
            'processor errors or throttles, a disabled event source mapping, a burst beyond maxConcurrency.',
          checks: [
            'ProcessorErrors and ProcessorThrottles.',
            "the event source mapping's state.",
            'the queue depth against maxConcurrency × batchSize.',
          ],
          anchor: 'oldest-message-age',
        },
      },
    );
    this.alarm(
      'HygieneErrors',
      props.hygiene.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      1,
      {
        runbook: {
          what: 'The hygiene run failed, so rates may be stale (including a failed emergency-brake pause or a due watcher it could not settle).',
          causes:
            'table throttling or permissions, an SES or SNS error during a brake pause, a bad policy setting.',
          checks: [
            "the hygiene function's log group.",
            'the actions line of the failed run (brake pauses).',
            '`bounce hygiene` against the table to reproduce.',
          ],
          anchor: 'hygiene-errors',
        },
      },
    );
    if (props.sync) {
      this.alarm('SyncErrors', props.sync.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }), 1, {
        runbook: {
          what: "The SES suppression list sync failed; SES's list and the table drift apart until it runs again (nothing is lost).",
          causes: 'SES throttling, missing permissions, a table error.',
          checks: [
            "the sync function's log group.",
            'sesSyncRatePerSecond against the SES account limits.',
            'the function role against docs/security.md.',
          ],
          anchor: 'sync-errors',
        },
      });
    }
    // One period per scheduled run (at least an hour), so a run every 3 hours does not read as missing.
    const heartbeatPeriod = Duration.minutes(
      Math.max(60, Math.ceil((props.hygieneInterval ?? Duration.hours(1)).toMinutes())),
    );
    // Missing data is `missing` and the page is the INSUFFICIENT_DATA action: an alarm starts in
    // INSUFFICIENT_DATA, so a fresh deployment stays there quietly until the first run reports (OK);
    // once runs have reported, two periods without one move it OK → INSUFFICIENT_DATA, which pages.
    // (Missing data `breaching` paged on every fresh deployment, before the first scheduled run.)
    this.alarm('HygieneHeartbeatMissing', metric('Heartbeat', {}, 'Sum', heartbeatPeriod), 1, {
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      missing: cloudwatch.TreatMissingData.MISSING,
      pageOnNoData: true,
      runbook: {
        what: `No hygiene run reported for ${heartbeatPeriod.toHumanString()} twice in a row (the alarm pages in state INSUFFICIENT_DATA; a fresh deployment stays quiet until its first run): the rate alarms are blind.`,
        causes: 'the schedule rule disabled, the function failing before it reports, missing permissions.',
        checks: [
          'HygieneErrors and the hygiene log group.',
          'the schedule rule and HygieneScheduleUndelivered.',
          'the function role against docs/security.md.',
        ],
        anchor: 'hygiene-heartbeat-missing',
      },
    });

    this.dashboard = this.buildDashboard(props, rate, providerRate);
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    options: {
      runbook: Runbook;
      comparison?: cloudwatch.ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
      missing?: cloudwatch.TreatMissingData;
      /** Also page when the alarm goes to INSUFFICIENT_DATA (every period of the range without data). */
      pageOnNoData?: boolean;
    },
  ) {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      ...(options.datapointsToAlarm !== undefined ? { datapointsToAlarm: options.datapointsToAlarm } : {}),
      comparisonOperator:
        options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.missing ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: runbookDescription(options.runbook),
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    if (options.pageOnNoData) alarm.addInsufficientDataAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }

  private buildDashboard(
    props: MonitoringProps,
    rate: (identity: string, name: 'BounceRate' | 'ComplaintRate', suffix: string) => cloudwatch.IMetric,
    providerRate: (
      provider: Provider,
      name: 'BounceRate' | 'ComplaintRate',
      suffix: string,
    ) => cloudwatch.IMetric,
  ) {
    const t = props.thresholds;
    const search = (query: string, statistic: string, period: Duration, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${POWERTOOLS_METRICS_NAMESPACE},${query}', '${statistic}', ${period.toSeconds()})`,
        label,
        period,
      });
    const identities = [ACCOUNT_IDENTITY, ...props.identities];
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
    });
    // One line per identity against the warning and critical levels (thresholds are fractions, the metric %).
    const rateWidget = (
      name: 'BounceRate' | 'ComplaintRate',
      title: string,
      warning: number,
      critical: number,
    ) =>
      new cloudwatch.GraphWidget({
        title,
        left: identities.map((identity, i) => rate(identity, name, `${name[0]}${i}`)),
        leftAnnotations: [
          { value: warning * 100, label: 'warning', color: cloudwatch.Color.ORANGE },
          { value: critical * 100, label: 'critical', color: cloudwatch.Color.RED },
        ],
        width: 12,
      });
    dashboard.addWidgets(
      rateWidget(
        'BounceRate',
        'Bounce rate per identity (24 h window, %)',
        t.bounceWarning,
        t.bounceCritical,
      ),
      rateWidget(
        'ComplaintRate',
        'Complaint rate per identity (24 h window, %)',
        t.complaintWarning,
        t.complaintCritical,
      ),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Recipient decisions by reason (per hour)',
        left: [
          search('Decision,Reason,service} MetricName="RecipientDecisions"', 'Sum', Duration.hours(1), ''),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Suppressions added per day',
        left: [
          search(
            'Decision,Reason,service} MetricName="RecipientDecisions" Decision="suppress"',
            'Sum',
            Duration.days(1),
            '',
          ),
        ],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Sender-side failures by identity and reason',
        left: [
          search('Identity,Reason,service} MetricName="SenderSideFailures"', 'Sum', Duration.hours(1), ''),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Queue and DLQ',
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible({ label: 'queued' }),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'dead letters' }),
          props.subscriptionDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
            label: 'undelivered by SNS',
          }),
        ],
        right: [props.queue.metricApproximateAgeOfOldestMessage({ label: 'oldest (s)' })],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors and throttles',
        left: [
          props.processor.metricErrors({ label: 'processor errors' }),
          props.processor.metricThrottles({ label: 'processor throttles' }),
          props.hygiene.metricErrors({ label: 'hygiene errors' }),
        ],
        width: 12,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
    );
    // Per mailbox provider: where it hurts (a block at one provider hides in the account's average).
    const providerWidget = (name: 'BounceRate' | 'ComplaintRate', title: string) =>
      new cloudwatch.GraphWidget({
        title,
        left: ALARMED_PROVIDERS.map((provider, i) => providerRate(provider, name, `${name[0]}p${i}`)),
        width: 8,
      });
    dashboard.addWidgets(
      providerWidget('BounceRate', 'Bounce rate per mailbox provider (24 h window, %)'),
      providerWidget('ComplaintRate', 'Complaint rate per mailbox provider (24 h window, %)'),
      new cloudwatch.GraphWidget({
        title: 'Sender-side failures per mailbox provider (per hour)',
        left: [search('Provider,service} MetricName="SenderSideFailures"', 'Sum', Duration.hours(1), '')],
        leftAnnotations: [
          {
            value: props.providerSenderSideFailures ?? 25,
            label: 'alarm',
            color: cloudwatch.Color.RED,
          },
        ],
        width: 8,
      }),
    );
    dashboard.addWidgets(...this.tenantWidgets(props));
    return dashboard;
  }

  /**
   * Per SES tenant: each configured tenant's rate (below the minimum volume: 0), the unlisted tenants'
   * worst rate, and the metric-math worst of all of them (every tenant, bounded metrics).
   */
  private tenantWidgets(props: MonitoringProps): cloudwatch.IWidget[] {
    const t = props.thresholds;
    const tenants = props.tenants ?? [];
    const hourly = (name: string, dimensions: Record<string, string>) =>
      new cloudwatch.Metric({
        namespace: POWERTOOLS_METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: POWERTOOLS_SERVICE_NAME, ...dimensions },
        statistic: 'Maximum',
        period: Duration.hours(1),
      });
    const widget = (
      name: 'BounceRate' | 'ComplaintRate',
      title: string,
      warning: number,
      critical: number,
    ) => {
      const k = name[0]?.toLowerCase();
      const usingMetrics: Record<string, cloudwatch.IMetric> = {
        [`${k}u`]: hourly(UNLISTED_TENANT_METRICS[name], { Window: '24h' }),
      };
      const each = tenants.map((tenant, i) => {
        usingMetrics[`${k}r${i}`] = hourly(name, { Tenant: tenant, Window: '24h' });
        usingMetrics[`${k}s${i}`] = hourly('Sent', { Tenant: tenant, Window: '24h' });
        return `IF(${k}s${i} >= ${t.minimumVolume}, ${k}r${i}, 0)`;
      });
      return new cloudwatch.GraphWidget({
        title,
        left: [
          new cloudwatch.MathExpression({
            expression: `MAX([${[...each, `${k}u`].join(', ')}])`,
            usingMetrics,
            label: 'worst tenant (all tenants)',
            period: Duration.hours(1),
          }),
          ...tenants.map(
            (tenant, i) =>
              new cloudwatch.MathExpression({
                expression: `IF(${k}ts${i} >= ${t.minimumVolume}, ${k}tr${i}, 0)`,
                usingMetrics: {
                  [`${k}tr${i}`]: hourly(name, { Tenant: tenant, Window: '24h' }),
                  [`${k}ts${i}`]: hourly('Sent', { Tenant: tenant, Window: '24h' }),
                },
                label: `tenant ${tenant}`,
                period: Duration.hours(1),
              }),
          ),
          new cloudwatch.MathExpression({
            expression: `${k}x`,
            usingMetrics: { [`${k}x`]: hourly(UNLISTED_TENANT_METRICS[name], { Window: '24h' }) },
            label: 'worst unlisted tenant',
            period: Duration.hours(1),
          }),
        ],
        leftAnnotations: [
          { value: warning * 100, label: 'warning', color: cloudwatch.Color.ORANGE },
          { value: critical * 100, label: 'critical', color: cloudwatch.Color.RED },
        ],
        width: 12,
      });
    };
    return [
      widget('BounceRate', 'Bounce rate per SES tenant (24 h window, %)', t.bounceWarning, t.bounceCritical),
      widget(
        'ComplaintRate',
        'Complaint rate per SES tenant (24 h window, %)',
        t.complaintWarning,
        t.complaintCritical,
      ),
    ];
  }
}

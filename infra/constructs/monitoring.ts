import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ACCOUNT_DIMENSION } from '../../functions/hygiene/metrics';
import { identityDimension } from '../../shared/core/bounds';
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
  /** Hygiene schedule events EventBridge could not deliver. */
  readonly hygieneScheduleDeadLetterQueue: sqs.IQueue;
  /**
   * Sync schedule events EventBridge could not deliver, when the sync is deployed.
   * @default no sync schedule alarm
   */
  readonly syncScheduleDeadLetterQueue?: sqs.IQueue | undefined;
  /** Identities that get their own rate alarms (the account always gets them). */
  readonly identities: readonly string[];
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
}

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
    const pct = (fraction: number) => `${Math.round(fraction * 100_000) / 1000} %`;
    const usedIds = new Set<string>();
    for (const identity of [ACCOUNT_IDENTITY, ...props.identities]) {
      const who = identity === ACCOUNT_IDENTITY ? 'the account' : `identity ${identity}`;
      // Construct ids keep letters and digits only; `a.b.com` and `ab.com` would collide without the suffix.
      let safe = identity.replace(/[^A-Za-z0-9]/g, '');
      if (usedIds.has(safe)) safe = `${safe}${usedIds.size}`;
      usedIds.add(safe);
      this.alarm(`BounceWarning${safe}`, rate(identity, 'BounceRate'), t.bounceWarning * 100, {
        description: `Bounce rate of ${who} over 24 h is at or above ${pct(t.bounceWarning)} (AWS advises investigating above 2 %; SES reviews at 5 %). First: \`bounce hygiene\` and the dashboard for which campaign or list; check that pipelines call SuppressionClient.check before sending.`,
      });
      this.alarm(`BounceCritical${safe}`, rate(identity, 'BounceRate'), t.bounceCritical * 100, {
        description: `CRITICAL: bounce rate of ${who} over 24 h is at or above ${pct(t.bounceCritical)}; SES puts accounts under review at 5 % and may pause sending at 10 %. First: stop the offending campaign or configuration set, then find the list that was not filtered.`,
      });
      this.alarm(`ComplaintWarning${safe}`, rate(identity, 'ComplaintRate'), t.complaintWarning * 100, {
        description: `Complaint rate of ${who} over 24 h is at or above ${pct(t.complaintWarning)} (SES reviews at 0.1 %). First: check which mailings drew the complaints and that unsubscribe links work.`,
      });
      this.alarm(`ComplaintCritical${safe}`, rate(identity, 'ComplaintRate'), t.complaintCritical * 100, {
        description: `CRITICAL: complaint rate of ${who} over 24 h is at or above ${pct(t.complaintCritical)}; SES may pause sending at 0.5 %. First: stop the mailing that draws complaints.`,
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
      description:
        "SES's own account bounce rate (Reputation.BounceRate) is at or above 5 %: the account is under review. First: the SES console's reputation page, then this stack's dashboard for the identity at fault.",
    });
    this.alarm('SesReputationComplaintRate', sesReputation('Reputation.ComplaintRate'), 0.001, {
      description:
        "SES's own account complaint rate (Reputation.ComplaintRate) is at or above 0.1 %: the account is under review. First: the SES console's reputation page and the complaint sources.",
    });
    this.alarm(
      'SenderSideFailures',
      metric('SenderSideFailures', {}, 'Sum', Duration.minutes(15)),
      props.senderSideFailures ?? 10,
      {
        description:
          'Receivers are refusing OUR mail (blocklists, SPF/DKIM/DMARC, reputation, rate limits); recipients were not suppressed. First: `bounce lookup` a recent address or the dashboard for the reason and identity, then check DNS authentication and blocklist listings.',
      },
    );
    this.alarm('StoreGiveUps', metric('StoreGiveUps', {}, 'Sum', Duration.minutes(15)), 5, {
      description:
        'Records failed because an address kept changing under the processor until its time budget ran out (or no time was left to start them). Nothing is lost: each failed record is redelivered by SQS (then the DLQ, which has its own alarm), and every event already recorded is in the address\'s audit trail. A steady count means heavy contention on a few addresses or a timeout too short for the batch size. First: the processor log\'s "record failed" lines (errorName ConcurrentUpdateError / OutOfTimeError), then batchSize, maxConcurrency and the function timeout (docs/ingest.md).',
    });
    this.alarm(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      1,
      {
        description:
          'Notifications failed processing repeatedly and wait in the DLQ (nothing is lost yet; the DLQ keeps them 14 days). First: the processor log\'s "record failed" lines for the error, then redrive (README: Dead-letter queue).',
      },
    );
    // Dead letters of SNS and EventBridge: standard AWS/SQS depth (QueueName dimension), like DeadLetters.
    const depth = (queue: sqs.IQueue) =>
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
    this.alarm('UndeliveredNotifications', depth(props.subscriptionDeadLetterQueue), 1, {
      description:
        'SNS could not deliver SES notifications to the processing queue (queue policy, encryption or the queue itself broken), so they never reached the processor and their recipients are NOT suppressed yet; the subscription DLQ keeps them 14 days. First: fix the queue (CloudFormation drift, queue policy), then move them into the processing queue: `aws sqs start-message-move-task --source-arn <subscription DLQ ARN> --destination-arn <processing queue ARN>` (look at one message first: the processor expects the SNS envelope, Type/MessageId/Message; docs/security.md).',
    });
    this.alarm('HygieneScheduleUndelivered', depth(props.hygieneScheduleDeadLetterQueue), 1, {
      description:
        'EventBridge could not invoke the hygiene function (a missing invoke permission, the function gone or throttled), so runs were skipped and rates go stale. First: the ERROR_CODE and ERROR_MESSAGE attributes of a message in the hygiene schedule DLQ, then the function and its resource policy. Nothing to redrive: the next run does the work; purge the queue once fixed.',
    });
    if (props.syncScheduleDeadLetterQueue) {
      this.alarm('SyncScheduleUndelivered', depth(props.syncScheduleDeadLetterQueue), 1, {
        description:
          'EventBridge could not invoke the SES suppression list sync function, so syncs were skipped and SES and the table drift apart. First: the ERROR_CODE and ERROR_MESSAGE attributes of a message in the sync schedule DLQ, then the function and its resource policy. Nothing to redrive: the next run catches up; purge the queue once fixed.',
      });
    }
    this.alarm(
      'ProcessorErrors',
      props.processor.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
      {
        description:
          'The processor Lambda failed whole invocations (not single records). First: its log group for the error; notifications stay queued and are retried.',
      },
    );
    this.alarm(
      'ProcessorThrottles',
      props.processor.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
      {
        description:
          'The processor Lambda was throttled (account concurrency exhausted). First: check account concurrency; the queue buffers notifications meanwhile.',
      },
    );
    const oldest = props.oldestMessageAge ?? Duration.minutes(30);
    this.alarm(
      'OldestMessageAge',
      props.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      oldest.toSeconds(),
      {
        description: `Notifications have waited more than ${oldest.toMinutes()} minutes: processing is stalled or too slow, and suppressions lag behind. First: processor errors, throttles and the event source mapping's state.`,
      },
    );
    this.alarm(
      'HygieneErrors',
      props.hygiene.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      1,
      {
        description:
          "The hourly hygiene run failed, so rates are stale. First: the hygiene function's log group.",
      },
    );
    if (props.sync) {
      this.alarm('SyncErrors', props.sync.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }), 1, {
        description:
          "The SES suppression list sync failed; nothing is lost (its cursor only moves after a complete pull, pushes are re-planned every run), but SES's list and the table drift apart until it runs again. First: the sync function's log group (SES throttling, permissions).",
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
      description: `No hygiene run reported for ${heartbeatPeriod.toHumanString()} twice in a row (the alarm pages in state INSUFFICIENT_DATA): bounce-rate alarms are blind. First: the schedule rule and the hygiene function (errors, permissions).`,
    });

    this.dashboard = this.buildDashboard(props, rate);
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    options: {
      description: string;
      comparison?: cloudwatch.ComparisonOperator;
      evaluationPeriods?: number;
      missing?: cloudwatch.TreatMissingData;
      /** Also page when the alarm goes to INSUFFICIENT_DATA (every period of the range without data). */
      pageOnNoData?: boolean;
    },
  ) {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator:
        options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.missing ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
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
    return dashboard;
  }
}

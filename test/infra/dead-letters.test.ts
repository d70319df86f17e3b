import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyResource, resourcesOfType, type SynthesizedStack, synthesize } from './helpers';

interface AlarmProps {
  AlarmDescription: string;
  Namespace: string;
  MetricName: string;
  Statistic: string;
  Period: number;
  Threshold: number;
  ComparisonOperator: string;
  Dimensions: { Name: string; Value: unknown }[];
  AlarmActions: unknown[];
  OKActions: unknown[];
}

/** The one alarm whose logical id starts with `Monitoring<name>`. */
const alarmNamed = (template: Template, name: string): AlarmProps => {
  const found = resourcesOfType(template, 'AWS::CloudWatch::Alarm', `Monitoring${name}`);
  if (found.length !== 1) throw new Error(`expected one alarm ${name}, found ${found.length}`);
  return (found[0] as [string, { Properties: AlarmProps }])[1].Properties;
};

/** The queue (not its policy) whose logical id starts with `prefix`. */
const queueId = (template: Template, prefix: string): string => {
  const found = resourcesOfType(template, 'AWS::SQS::Queue', prefix);
  if (found.length !== 1) throw new Error(`expected one queue under ${prefix}, found ${found.length}`);
  return found[0]?.[0] as string;
};

const onCallTopic = (template: Template) => ({
  Ref: onlyResource(template, 'AWS::SNS::Topic', 'OnCall').logicalId,
});

/** A depth alarm as every DLQ gets one: standard AWS/SQS metric and dimension, any message pages. */
const expectDepthAlarm = (template: Template, name: string, queueLogicalId: string) => {
  const alarm = alarmNamed(template, name);
  expect(alarm).toMatchObject({
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Statistic: 'Maximum',
    Period: 300,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueLogicalId, 'QueueName'] } }],
    AlarmActions: [onCallTopic(template)],
    OKActions: [onCallTopic(template)],
  });
  expect(alarm.AlarmDescription).toMatch(/First:/);
  return alarm;
};

/** The schedule rule under `scope`, and its one target. */
const scheduleTarget = (template: Template, scope: string) => {
  const rules = resourcesOfType(template, 'AWS::Events::Rule', scope);
  expect(rules).toHaveLength(1);
  const [ruleId, rule] = rules[0] as [string, { Properties: { Targets: Record<string, unknown>[] } }];
  const targets = rule.Properties.Targets;
  expect(targets).toHaveLength(1);
  return { ruleId, target: targets[0] as Record<string, unknown> };
};

/** EventBridge may send to the queue, for this rule only. */
const expectEventBridgeMaySend = (template: Template, queueLogicalId: string, ruleId: string) => {
  template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    Queues: [{ Ref: queueLogicalId }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
        }),
      ]),
    },
  });
};

describe('dead letters of SNS and EventBridge, and tracing', () => {
  let synth: SynthesizedStack;
  let template: Template;
  beforeAll(() => {
    synth = synthesize({ sesSyncMode: 'both' });
    template = synth.template;
  });
  afterAll(() => synth.cleanup());

  it('pages on-call when SNS could not deliver a notification to the processing queue, with the redrive step', () => {
    const alarm = expectDepthAlarm(
      template,
      'UndeliveredNotifications',
      queueId(template, 'IngestSubscriptionDeadLetterQueue'),
    );
    expect(alarm.AlarmDescription).toMatch(/NOT suppressed/);
    expect(alarm.AlarmDescription).toMatch(/start-message-move-task/);
  });

  it('retries hygiene schedule deliveries twice within an hour, then keeps the event in a DLQ that pages', () => {
    const dlq = queueId(template, 'HygieneScheduleDeadLetterQueue');
    const { ruleId, target } = scheduleTarget(template, 'Hygiene');
    expect(target).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
    });
    expectEventBridgeMaySend(template, dlq, ruleId);
    expectDepthAlarm(template, 'HygieneScheduleUndelivered', dlq);
  });

  it('does not retry sync schedule deliveries (the next run catches up) but keeps and pages on failed ones', () => {
    const dlq = queueId(template, 'SyncScheduleDeadLetterQueue');
    const { ruleId, target } = scheduleTarget(template, 'Sync');
    expect(target).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 0 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
    });
    expectEventBridgeMaySend(template, dlq, ruleId);
    expectDepthAlarm(template, 'SyncScheduleUndelivered', dlq);
  });

  it('keeps every dead letter 14 days, encrypted, with no redrive policy of its own', () => {
    for (const prefix of [
      'IngestSubscriptionDeadLetterQueue',
      'HygieneScheduleDeadLetterQueue',
      'SyncScheduleDeadLetterQueue',
    ]) {
      const properties = template.toJSON().Resources[queueId(template, prefix)].Properties;
      expect(properties, prefix).toMatchObject({
        MessageRetentionPeriod: 14 * 24 * 3600,
        SqsManagedSseEnabled: true,
      });
      expect(properties.RedrivePolicy, prefix).toBeUndefined();
    }
  });

  it('has no sync schedule alarm or queue when the sync is off', () => {
    const off = synthesize();
    try {
      expect(resourcesOfType(off.template, 'AWS::SQS::Queue', 'Sync')).toEqual([]);
      expect(resourcesOfType(off.template, 'AWS::CloudWatch::Alarm', 'MonitoringSyncSchedule')).toEqual([]);
    } finally {
      off.cleanup();
    }
  });

  it('traces every function of the stack with X-Ray (active)', () => {
    const functions = resourcesOfType(template, 'AWS::Lambda::Function').filter(([id]) =>
      /^(Processor|Hygiene|Sync)/.test(id),
    );
    expect(functions).toHaveLength(3);
    for (const [id, fn] of functions) {
      expect((fn as { Properties: { TracingConfig?: unknown } }).Properties.TracingConfig, id).toEqual({
        Mode: 'Active',
      });
    }
  });
});

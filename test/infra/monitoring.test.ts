import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashAddress } from '../../shared/core/address';
import {
  actionsOf,
  onlyProperties,
  onlyResource,
  type PolicyStatement,
  type SynthesizedStack,
  synthesize,
} from './helpers';

interface AlarmProps {
  AlarmDescription: string;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData: string;
  EvaluationPeriods: number;
  AlarmActions: unknown[];
  OKActions: unknown[];
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: {
    Id: string;
    Expression?: string;
    MetricStat?: { Metric: { MetricName: string; Dimensions?: { Name: string; Value: unknown }[] } };
  }[];
}

const alarmsOf = (template: Template) =>
  Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(
    ([id, resource]) => [id, resource.Properties as AlarmProps] as const,
  );
const alarm = (template: Template, idPart: string): AlarmProps => {
  const found = alarmsOf(template).filter(([id]) => id.includes(idPart));
  if (found.length !== 1)
    throw new Error(`expected one alarm matching ${idPart}, found ${found.map(([id]) => id).join(', ')}`);
  return (found[0] as readonly [string, AlarmProps])[1];
};

describe('monitoring: alarms to on-call, dashboard, hygiene schedule', () => {
  let synth: SynthesizedStack;
  let template: Template;
  beforeAll(() => {
    synth = synthesize({ sesIdentities: ['mail.example.com'], alarmEmail: 'oncall@example.com' });
    template = synth.template;
  });
  afterAll(() => synth.cleanup());

  it('gives every alarm a runbook description and sends alarm and OK to the on-call topic', () => {
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic')).find((id) =>
      id.includes('OnCall'),
    );
    expect(topicId).toBeDefined();
    const alarms = alarmsOf(template);
    expect(alarms.length).toBeGreaterThanOrEqual(17);
    for (const [id, props] of alarms) {
      expect(props.AlarmDescription, id).toMatch(/First:/);
      expect(props.AlarmActions, id).toEqual([{ Ref: topicId }]);
      expect(props.OKActions, id).toEqual([{ Ref: topicId }]);
    }
  });

  it('subscribes the configured email to the encrypted on-call topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    const topic = onlyProperties(template, 'AWS::SNS::Topic', 'OnCall');
    const keyId = onlyResource(template, 'AWS::KMS::Key', 'OnCall').logicalId;
    expect(topic.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  it.each([
    ['BounceWarningACCOUNT', 2, 'BounceRate', 'ACCOUNT'],
    ['BounceCriticalACCOUNT', 5, 'BounceRate', 'ACCOUNT'],
    ['ComplaintWarningACCOUNT', 0.08, 'ComplaintRate', 'ACCOUNT'],
    ['ComplaintCriticalACCOUNT', 0.1, 'ComplaintRate', 'ACCOUNT'],
    ['BounceWarningmailexamplecom', 2, 'BounceRate', 'mail.example.com'],
    ['BounceCriticalmailexamplecom', 5, 'BounceRate', 'mail.example.com'],
    ['ComplaintWarningmailexamplecom', 0.08, 'ComplaintRate', 'mail.example.com'],
    ['ComplaintCriticalmailexamplecom', 0.1, 'ComplaintRate', 'mail.example.com'],
  ])(
    '%s alarms at %d %% of %s for %s, ignoring volumes under the minimum',
    (id, threshold, metricName, identity) => {
      const props = alarm(template, id);
      expect(props.Threshold).toBeCloseTo(threshold);
      expect(props.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(props.Metrics?.find((m) => m.Expression)?.Expression).toBe('IF(sent >= 200, rate, 0)');
      const rate = props.Metrics?.find((m) => m.Id === 'rate')?.MetricStat?.Metric;
      expect(rate?.MetricName).toBe(metricName);
      expect(rate?.Dimensions).toEqual(
        expect.arrayContaining([
          { Name: 'Identity', Value: identity },
          { Name: 'Window', Value: '24h' },
          { Name: 'service', Value: 'ses-bounce-handler' },
        ]),
      );
    },
  );

  it('watches SES reputation metrics, with missing data not breaching', () => {
    const bounce = alarm(template, 'SesReputationBounceRate');
    expect([bounce.Namespace, bounce.MetricName, bounce.Threshold, bounce.TreatMissingData]).toEqual([
      'AWS/SES',
      'Reputation.BounceRate',
      0.05,
      'notBreaching',
    ]);
    const complaint = alarm(template, 'SesReputationComplaintRate');
    expect([complaint.MetricName, complaint.Threshold, complaint.TreatMissingData]).toEqual([
      'Reputation.ComplaintRate',
      0.001,
      'notBreaching',
    ]);
  });

  it('pages on sender-side failures, dead letters, processor errors and throttles, and stalled processing', () => {
    expect(alarm(template, 'MonitoringSenderSideFailures')).toMatchObject({
      MetricName: 'SenderSideFailures',
      Threshold: 10,
    });
    expect(alarm(template, 'DeadLetters')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
    });
    expect(alarm(template, 'ProcessorErrors')).toMatchObject({ MetricName: 'Errors', Threshold: 1 });
    expect(alarm(template, 'ProcessorThrottles')).toMatchObject({ MetricName: 'Throttles', Threshold: 1 });
    expect(alarm(template, 'OldestMessageAge')).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 1800,
    });
  });

  it('pages when the hygiene heartbeat stops (INSUFFICIENT_DATA), not on a fresh deployment before the first run', () => {
    const heartbeat = alarm(template, 'HygieneHeartbeatMissing');
    expect(heartbeat).toMatchObject({
      MetricName: 'Heartbeat',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 2,
      // `breaching` would move a new alarm to ALARM (and page) before the first scheduled run.
      TreatMissingData: 'missing',
    });
    const actions = heartbeat as unknown as { AlarmActions: unknown[]; InsufficientDataActions?: unknown[] };
    expect(actions.InsufficientDataActions).toEqual(actions.AlarmActions);
    expect(actions.AlarmActions).toHaveLength(1);
  });

  it('runs the hygiene function on the configured schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
  });

  it('draws a dashboard with rates, decisions, suppressions, sender-side failures, queues and errors', () => {
    const body = JSON.stringify(
      Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties,
    );
    for (const title of [
      'Bounce rate per identity',
      'Recipient decisions by reason',
      'Suppressions added per day',
      'Sender-side failures',
      'Queue and DLQ',
      'Function errors',
    ]) {
      expect(body).toContain(title);
    }
  });

  it('gives the hygiene function only the table calls it makes (least privilege), on the table and the due index', () => {
    const tableId = onlyResource(template, 'AWS::DynamoDB::Table').logicalId;
    const statements = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('Hygiene'))
      .flatMap(
        ([, p]) =>
          (p.Properties as { PolicyDocument: { Statement: PolicyStatement[] } }).PolicyDocument.Statement,
      );
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    // Least privilege: what the job calls (see infra/constructs/hygiene.ts), no Scan, UpdateItem,
    // DeleteItem, BatchGetItem or ConditionCheckItem.
    expect([...new Set(dynamo.flatMap(actionsOf))].sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    // BatchWriteItem (the stale-counter cleanup) only on counter partitions.
    const batchWrite = dynamo.filter((s) => actionsOf(s).includes('dynamodb:BatchWriteItem'));
    expect(batchWrite).toHaveLength(1);
    expect(actionsOf(batchWrite[0] as PolicyStatement)).toEqual(['dynamodb:BatchWriteItem']);
    expect(batchWrite[0]?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] },
    });
    for (const statement of dynamo) expect(JSON.stringify(statement.Resource)).toContain(tableId);
    // The table and the due index by name: no `index/*` wildcard.
    const resources = JSON.stringify(dynamo.map((statement) => statement.Resource));
    expect(resources).toContain('/index/due');
    expect(resources).not.toContain('/index/*');
    expect(
      dynamo.flatMap(actionsOf).filter((a) => /^dynamodb:((Create|Delete|Update)Table|\*)$/.test(a)),
    ).toEqual([]);
  });
});

describe('monitoring: settings from config', () => {
  let synth: SynthesizedStack;
  beforeAll(() => {
    synth = synthesize({
      thresholds: { bounceWarning: 0.03, minimumVolume: 500 },
      hygieneSchedule: 'rate(15 minutes)',
      oldestMessageAgeMinutes: 10,
      senderSideAlarmThreshold: 3,
      policy: { temporarySuppressionDays: 14 },
    });
  });
  afterAll(() => synth.cleanup());

  it('takes rate thresholds and the minimum volume from config, for alarms and the hygiene function alike', () => {
    const props = alarm(synth.template, 'BounceWarningACCOUNT');
    expect(props.Threshold).toBeCloseTo(3);
    expect(props.Metrics?.find((m) => m.Expression)?.Expression).toBe('IF(sent >= 500, rate, 0)');
    const env = (
      onlyProperties(synth.template, 'AWS::Lambda::Function', 'Hygiene') as {
        Environment: { Variables: Record<string, string> };
      }
    ).Environment.Variables;
    expect(JSON.parse(env.HYGIENE_THRESHOLDS ?? '{}')).toMatchObject({
      bounceWarning: 0.03,
      minimumVolume: 500,
    });
    expect(JSON.parse(env.BOUNCE_POLICY ?? '{}')).toEqual({ temporarySuppressionDays: 14 });
  });

  it('takes the schedule, the stalled-queue age and the sender-side threshold from config', () => {
    synth.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    expect(alarm(synth.template, 'OldestMessageAge').Threshold).toBe(600);
    expect(alarm(synth.template, 'MonitoringSenderSideFailures').Threshold).toBe(3);
  });

  it('subscribes nobody to the on-call topic when no alarm email is configured', () => {
    synth.template.resourceCountIs('AWS::SNS::Subscription', 1); // the processing queue only
    expect(onlyProperties(synth.template, 'AWS::SNS::Subscription').Protocol).toBe('sqs');
  });
});

describe('hygiene: emergency brake permissions', () => {
  const hygieneStatements = (template: Template) =>
    Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('Hygiene'))
      .flatMap(
        ([, p]) =>
          (p.Properties as { PolicyDocument: { Statement: PolicyStatement[] } }).PolicyDocument.Statement,
      );
  const hygieneEnv = (template: Template) =>
    (
      onlyProperties(template, 'AWS::Lambda::Function', 'Hygiene') as {
        Environment: { Variables: Record<string, unknown> };
      }
    ).Environment.Variables;

  it('grants no SES or SNS action and sets no brake variables while the brake is off (the default)', () => {
    const synth = synthesize();
    try {
      const actions = hygieneStatements(synth.template).flatMap(actionsOf);
      expect(actions.filter((a) => /^(ses|sns):/.test(a))).toEqual([]);
      expect(hygieneEnv(synth.template)).not.toHaveProperty('EMERGENCY_BRAKE');
    } finally {
      synth.cleanup();
    }
  });

  it('may pause only the mapped configuration sets and publish to the on-call topic when enabled', () => {
    const brake = { enabled: true, configurationSets: { 'example.com': ['marketing', 'newsletter'] } };
    const synth = synthesize({ emergencyBrake: brake, sesConfigurationSets: 'marketing,newsletter' });
    try {
      const statements = hygieneStatements(synth.template);
      const ses = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
      expect(ses).toHaveLength(1);
      expect(actionsOf(ses[0] as PolicyStatement).sort()).toEqual([
        'ses:GetConfigurationSet',
        'ses:PutConfigurationSetSendingOptions',
      ]);
      const resources = JSON.stringify(ses[0]?.Resource);
      expect(resources).toContain(':configuration-set/marketing');
      expect(resources).toContain(':configuration-set/newsletter');
      expect(statements.flatMap(actionsOf)).not.toContain('ses:PutAccountSendingAttributes');
      const topicId = onlyResource(synth.template, 'AWS::SNS::Topic', 'OnCall').logicalId;
      const publish = statements.find((s) => actionsOf(s).includes('sns:Publish'));
      expect(publish?.Resource).toEqual({ Ref: topicId });
      // The topic is KMS-encrypted: publishing needs the key too.
      const keyId = onlyResource(synth.template, 'AWS::KMS::Key', 'OnCall').logicalId;
      const kmsStatement = statements.find((s) => actionsOf(s).includes('kms:GenerateDataKey'));
      expect(kmsStatement?.Resource).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      const env = hygieneEnv(synth.template);
      expect(JSON.parse(env.EMERGENCY_BRAKE as string)).toEqual({
        ...brake,
        pauseAccount: false,
        tenants: [],
      });
      expect(env.ON_CALL_TOPIC_ARN).toEqual({ Ref: topicId });
    } finally {
      synth.cleanup();
    }
  });

  it('may pause the whole account only when pauseAccount is set', () => {
    const synth = synthesize({ emergencyBrake: { enabled: true, pauseAccount: true } });
    try {
      const account = hygieneStatements(synth.template).find((s) =>
        actionsOf(s).includes('ses:PutAccountSendingAttributes'),
      );
      expect(account?.Resource).toBe('*');
    } finally {
      synth.cleanup();
    }
  });

  it('rejects a bad brake config at synth, naming the key and the value', () => {
    expect(() =>
      synthesize({ emergencyBrake: { enabled: true, configurationSets: { 'example.com': ['bad name'] } } }),
    ).toThrow(/emergencyBrake\.configurationSets\["example\.com"\]\[0\].*"bad name"/);
  });
});

describe('monitoring: identity alarms', () => {
  it('gives identities that differ only in punctuation their own alarms', () => {
    const synth = synthesize({ sesIdentities: ['a.b.example', 'ab.example'] });
    try {
      const identities = alarmsOf(synth.template)
        .filter(([id]) => id.startsWith('MonitoringBounceWarning'))
        .map(([, props]) => props.Metrics?.find((m) => m.Id === 'rate')?.MetricStat?.Metric.Dimensions)
        .map((dimensions) => dimensions?.find((d) => d.Name === 'Identity')?.Value);
      expect(identities.sort()).toEqual(['ACCOUNT', 'a.b.example', 'ab.example']);
    } finally {
      synth.cleanup();
    }
  });

  it('reads an email-address identity by the hashed dimension the hygiene metrics publish (no raw address)', () => {
    const synth = synthesize({ sesIdentities: ['news@example.com'] });
    try {
      const dimensions = alarmsOf(synth.template)
        .filter(([id]) => /^Monitoring(Bounce|Complaint)(Warning|Critical)newsexamplecom/.test(id))
        .flatMap(([, props]) => props.Metrics ?? [])
        .flatMap((m) => m.MetricStat?.Metric.Dimensions ?? [])
        .filter((d) => d.Name === 'Identity')
        .map((d) => d.Value);
      expect(dimensions).toHaveLength(8);
      expect(new Set(dimensions)).toEqual(new Set([`email#${hashAddress('news@example.com')}`]));
    } finally {
      synth.cleanup();
    }
  });
});

describe('monitoring: the SES sync', () => {
  it('alarms on sync errors only when the sync is deployed', () => {
    const off = synthesize();
    const on = synthesize({ sesSyncMode: 'both' });
    try {
      expect(alarmsOf(off.template).filter(([id]) => id.includes('SyncErrors'))).toEqual([]);
      expect(alarm(on.template, 'SyncErrors')).toMatchObject({ MetricName: 'Errors', Threshold: 1 });
      expect(alarm(on.template, 'SyncErrors').AlarmDescription).toMatch(/First:/);
    } finally {
      off.cleanup();
      on.cleanup();
    }
  });
});

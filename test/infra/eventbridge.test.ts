import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  onlyProperties,
  onlyResource,
  type PolicyStatement,
  render,
  resourcesOfType,
  type SynthesizedStack,
  synthesize,
} from './helpers';

const DESTINATION = 'AWS::SES::ConfigurationSetEventDestination';
const SETS = { sesConfigurationSets: 'main,marketing', sesIdentities: 'example.com' };

type Rule = {
  EventPattern?: Record<string, unknown>;
  Targets: Record<string, unknown>[];
};
/** The EventBridge rules with an event pattern (not the schedules), by logical id. */
const patternRules = (template: Template) =>
  resourcesOfType(template, 'AWS::Events::Rule')
    .map(([id, r]) => [id, (r as { Properties: Rule }).Properties] as const)
    .filter(([, p]) => p.EventPattern !== undefined);

const destinations = (template: Template) =>
  resourcesOfType(template, DESTINATION).map(([id, r]) => {
    const { ConfigurationSetName, EventDestination: to } = (
      r as { Properties: { ConfigurationSetName: string; EventDestination: Record<string, unknown> } }
    ).Properties;
    return {
      id,
      set: ConfigurationSetName,
      to: to.SnsDestination ? 'sns' : to.EventBridgeDestination ? 'eventbridge' : 'other',
      bus: to.EventBridgeDestination
        ? render((to.EventBridgeDestination as { EventBusArn: unknown }).EventBusArn)
        : undefined,
      dependsOn: ((r as { DependsOn?: string[] }).DependsOn ?? []) as string[],
    };
  });

const queueId = (template: Template) => onlyResource(template, 'AWS::SQS::Queue', 'IngestQueue').logicalId;

describe('ingest: sns (the default)', () => {
  let synth: SynthesizedStack;
  beforeAll(() => {
    synth = synthesize(SETS);
  });
  afterAll(() => synth.cleanup());

  it('creates no EventBridge destination, rule, DLQ or alarm: only SNS destinations', () => {
    expect(destinations(synth.template).map((d) => [d.set, d.to])).toEqual([
      ['main', 'sns'],
      ['marketing', 'sns'],
    ]);
    expect(patternRules(synth.template)).toEqual([]);
    expect(resourcesOfType(synth.template, 'AWS::SQS::Queue', 'EventBridge')).toEqual([]);
    expect(resourcesOfType(synth.template, 'AWS::CloudWatch::Alarm', 'MonitoringUndeliveredEvents')).toEqual(
      [],
    );
  });
});

describe.each([
  ['eventbridge', ['eventbridge']],
  ['both', ['eventbridge', 'sns']],
] as const)('ingest: %s', (ingest, kinds) => {
  let synth: SynthesizedStack;
  let template: Template;
  beforeAll(() => {
    synth = synthesize({ ...SETS, ingest });
    template = synth.template;
  });
  afterAll(() => synth.cleanup());

  const emailRule = () => {
    const rules = patternRules(template).filter(([id]) => id.startsWith('EventBridgeEmailEvents'));
    expect(rules).toHaveLength(1);
    return rules[0] as readonly [string, Rule];
  };

  it(`gives every configuration set ${kinds.join(' and ')} destinations, the EventBridge one on the default bus, after the rule`, () => {
    const found = destinations(template);
    for (const set of ['main', 'marketing'])
      expect(
        found
          .filter((d) => d.set === set)
          .map((d) => d.to)
          .sort(),
      ).toEqual([...kinds]);
    const [ruleId] = emailRule();
    for (const d of found.filter((d) => d.to === 'eventbridge')) {
      expect(d.bus).toBe(
        `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default`,
      );
      expect(d.dependsOn).toContain(ruleId);
      expect(d.dependsOn).toContain(queueId(template));
    }
  });

  it('routes the detail-types the processor acts on, of the configured sets only, into the processing queue with retries and a DLQ', () => {
    const [, rule] = emailRule();
    expect(rule.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Bounced', 'Email Complaint Received', 'Email Delivered', 'Email Sent'],
      detail: { mail: { tags: { 'ses:configuration-set': ['main', 'marketing'] } } },
    });
    const dlq = onlyResource(template, 'AWS::SQS::Queue', 'EventBridgeDeadLetterQueue').logicalId;
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [queueId(template), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
      }),
    ]);
    expect(rule.Targets[0]).not.toHaveProperty('Input');
    expect(rule.Targets[0]).not.toHaveProperty('InputTransformer');
  });

  it('lets EventBridge send to the processing queue and the DLQ for these rules only (aws:SourceArn)', () => {
    const [ruleId] = emailRule();
    const statements = (id: string) =>
      (
        onlyProperties(template, 'AWS::SQS::QueuePolicy', id.replace(/[0-9A-F]{8}$/, 'Policy')) as {
          PolicyDocument: { Statement: PolicyStatement[] };
        }
      ).PolicyDocument.Statement.filter((s) => JSON.stringify(s.Principal).includes('events.amazonaws.com'));
    const queueStatements = statements(queueId(template));
    expect(queueStatements).toHaveLength(1);
    expect(queueStatements[0]?.Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } },
    });
    const dlq = onlyResource(template, 'AWS::SQS::Queue', 'EventBridgeDeadLetterQueue').logicalId;
    expect(statements(dlq).map((s) => render(s.Condition?.ArnEquals?.['aws:SourceArn']))).toEqual(
      patternRules(template).map(([id]) => `\${${id}.Arn}`),
    );
  });

  it('pages on-call on Sending Status Disabled through a role that may publish to that topic and use its key, nothing else', () => {
    const rules = patternRules(template).filter(([id]) => id.startsWith('EventBridgeSendingStatusDisabled'));
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0] as readonly [string, Rule];
    expect(rule.EventPattern).toEqual({ source: ['aws.ses'], 'detail-type': ['Sending Status Disabled'] });
    const topic = onlyResource(template, 'AWS::SNS::Topic', 'OnCall').logicalId;
    const role = onlyResource(template, 'AWS::IAM::Role', 'EventBridgeOnCallRole').logicalId;
    expect(rule.Targets).toEqual([
      expect.objectContaining({ Arn: { Ref: topic }, RoleArn: { 'Fn::GetAtt': [role, 'Arn'] } }),
    ]);
    const policy = onlyProperties(template, 'AWS::IAM::Policy', 'EventBridgeOnCallRole') as {
      PolicyDocument: { Statement: PolicyStatement[] };
    };
    expect(policy.PolicyDocument.Statement.map((s) => [s.Action, render(s.Resource)])).toEqual([
      ['sns:Publish', `\${${topic}}`],
      [
        ['kms:Decrypt', 'kms:GenerateDataKey'],
        `\${${onlyResource(template, 'AWS::KMS::Key', 'OnCall').logicalId}.Arn}`,
      ],
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    // No topic policy statement opens the on-call topic to EventBridge as a whole.
    expect(JSON.stringify(onlyProperties(template, 'AWS::SNS::TopicPolicy', 'OnCall'))).not.toContain(
      'events.amazonaws.com',
    );
  });

  it(`tells the processor to count each Send once only with both paths on (${ingest})`, () => {
    const variables = (
      onlyProperties(template, 'AWS::Lambda::Function', 'ProcessorFunction') as {
        Environment: { Variables: Record<string, unknown> };
      }
    ).Environment.Variables;
    expect(variables.COUNT_SENDS_ONCE).toBe(ingest === 'both' ? 'true' : undefined);
  });

  it("pages on-call when the rules' DLQ holds an event", () => {
    const dlq = onlyResource(template, 'AWS::SQS::Queue', 'EventBridgeDeadLetterQueue').logicalId;
    const alarm = onlyProperties(template, 'AWS::CloudWatch::Alarm', 'MonitoringUndeliveredEvents');
    expect(alarm).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
    });
    expect(alarm.AlarmDescription).toMatch(/NOT suppressed/);
  });
});

describe('ingest: eventbridge, edge settings', () => {
  it('takes every SES email event of the bus while no configuration set is configured, as the topic does', () => {
    const synth = synthesize({ ingest: 'eventbridge' });
    try {
      const [[, rule]] = patternRules(synth.template).filter(([id]) =>
        id.startsWith('EventBridgeEmailEvents'),
      ) as [[string, Rule]];
      expect(rule.EventPattern).toEqual({
        source: ['aws.ses'],
        'detail-type': ['Email Bounced', 'Email Complaint Received', 'Email Delivered', 'Email Sent'],
      });
      synth.template.resourceCountIs(DESTINATION, 0);
    } finally {
      synth.cleanup();
    }
  });

  it('routes only what the sets publish and the processor acts on (no Delivery Delayed, no Rejected)', () => {
    const synth = synthesize({
      ...SETS,
      ingest: 'eventbridge',
      sesEventTypes: 'BOUNCE,DELIVERY_DELAY,REJECT',
    });
    try {
      const [[, rule]] = patternRules(synth.template).filter(([id]) =>
        id.startsWith('EventBridgeEmailEvents'),
      ) as [[string, Rule]];
      expect(rule.EventPattern?.['detail-type']).toEqual(['Email Bounced']);
    } finally {
      synth.cleanup();
    }
  });
});

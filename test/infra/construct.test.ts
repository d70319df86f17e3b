import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../infra/config';
import { SesBounceHandler } from '../../infra/construct';
import { applyChecks } from '../../infra/nag';
import { SesBounceHandlerStack } from '../../infra/stack';
import { CDK_JSON_CONTEXT } from './helpers';

/** A consumer's stack: its own resources next to the construct. */
function consumerStack() {
  const app = new App({ context: { ...CDK_JSON_CONTEXT } });
  const stack = new Stack(app, 'Platform');
  return { app, stack };
}

const heartbeat = (template: Template) =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((alarm) =>
    JSON.stringify(alarm).includes('"MetricName":"Heartbeat"'),
  )?.Properties as { Period: number; EvaluationPeriods: number; AlarmDescription: string };

describe('SesBounceHandler in a stack of its own', () => {
  it('adds the functions, queue, table, alarms and outputs under its own id', () => {
    const { stack } = consumerStack();
    const bounces = new SesBounceHandler(stack, 'Bounces', { alarmEmail: 'oncall@acme.example' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@acme.example',
    });
    expect(bounces.alarms.length).toBeGreaterThan(5);
    expect(
      Object.keys(template.findOutputs('*')).some((id) => id.startsWith('BouncesSuppressionTableName')),
    ).toBe(true);
    // The prebuilt code, deployed as it is: no bundling at synth.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
    });
  });

  it('throws on a bad prop naming the key and the value, and on an unknown key with "did you mean"', () => {
    const { stack } = consumerStack();
    expect(() => new SesBounceHandler(stack, 'A', { alarmEmail: 'oncall-at-acme' })).toThrow(ConfigError);
    expect(() => new SesBounceHandler(stack, 'B', { alarmEmail: 'oncall-at-acme' })).toThrow(
      /"alarmEmail": .*got "oncall-at-acme"/,
    );
    expect(
      () =>
        new SesBounceHandler(stack, 'C', { sesSyncMode: 'sometimes' } as unknown as { sesSyncMode: 'off' }),
    ).toThrow(/"sesSyncMode": .*got "sometimes"/);
    expect(() => new SesBounceHandler(stack, 'D', { batchsize: 10 } as never)).toThrow(
      /"batchsize": not a setting \(did you mean "batchSize"\?\)/,
    );
    expect(() => new SesBounceHandlerStack(new App(), 'S', { terminationProtecton: true } as never)).toThrow(
      /"terminationProtecton": not a setting \(did you mean "terminationProtection"\?\)/,
    );
  });

  it('grantCheck gives what SuppressionClient.check calls: BatchGetItem on the table only', () => {
    const { stack } = consumerStack();
    const bounces = new SesBounceHandler(stack, 'Bounces');
    const role = new iam.Role(stack, 'PipelineRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    bounces.grantCheck(role);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) => (p.Properties as { PolicyDocument: { Statement: unknown[] } }).PolicyDocument.Statement,
    );
    expect(statements).toEqual([
      {
        Action: 'dynamodb:BatchGetItem',
        Effect: 'Allow',
        Resource: stack.resolve(bounces.table.tableArn),
      },
    ]);
  });
});

describe('the hygiene heartbeat alarm follows hygieneSchedule', () => {
  it.each([
    ['rate(1 hour)', 3600],
    ['rate(15 minutes)', 3600],
    ['rate(3 hours)', 10_800],
    ['cron(0 0/6 * * ? *)', 21_600],
  ])('%s: two missed periods of %i seconds', (hygieneSchedule, period) => {
    const { stack } = consumerStack();
    new SesBounceHandler(stack, 'Bounces', { hygieneSchedule });
    const alarm = heartbeat(Template.fromStack(stack));
    expect(alarm.Period).toBe(period);
    expect(alarm.EvaluationPeriods).toBe(2);
  });
});

describe('applyChecks: cdk-nag on the construct only', () => {
  it("passes for the construct and never judges the consumer's own resources", () => {
    const { app, stack } = consumerStack();
    const bounces = new SesBounceHandler(stack, 'Bounces', {
      sesIdentities: ['example.com'],
      alarmEmail: 'oncall@acme.example',
    });
    // Unencrypted, no DLQ, no SSL-only policy: AwsSolutions-SQS3/SQS4 and Serverless would flag these.
    new sqs.Queue(stack, 'TheirQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    new iam.Policy(stack, 'TheirPolicy', {
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })],
    });
    const packs = applyChecks(bounces);
    expect(packs.map((p) => p.readPackName)).toEqual(['AwsSolutions', 'Serverless']);
    expect(() => app.synth()).not.toThrow();
    // The acknowledgements travelled with the construct's resources into the template.
    const template = Template.fromStack(stack);
    expect(JSON.stringify(template.toJSON())).toContain('rules_to_suppress');
    const theirs = Object.entries(template.findResources('AWS::SQS::Queue')).find(([id]) =>
      id.startsWith('TheirQueue'),
    );
    expect(theirs?.[1].Metadata?.cdk_nag).toBeUndefined();
  });

  it('fails synthesis on a finding inside the construct, naming rule and path', () => {
    const { app, stack } = consumerStack();
    const bounces = new SesBounceHandler(stack, 'Bounces');
    (bounces.hygiene.function.node.defaultChild as lambda.CfnFunction).tracingConfig = undefined;
    applyChecks(bounces);
    expect(() => app.synth()).toThrow(
      /\[Serverless-LambdaTracing\] \(warning\) Platform\/Bounces\/Hygiene\/Function\/Resource/,
    );
  });

  it('adds the NIST 800-53 r5 pack when the construct is deployed with that profile', () => {
    const { stack } = consumerStack();
    const bounces = new SesBounceHandler(stack, 'Bounces', { compliance: 'nist-800-53-r5' });
    expect(applyChecks(bounces).map((p) => p.readPackName)).toEqual([
      'AwsSolutions',
      'Serverless',
      'NIST.800.53.R5',
    ]);
  });
});

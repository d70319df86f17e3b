import { Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  onlyResource,
  type PolicyStatement,
  resourcesOf,
  type SynthesizedStack,
  synthesize,
} from './helpers';

const syncFunctions = (template: Template) =>
  Object.entries(template.findResources('AWS::Lambda::Function')).filter(
    ([, fn]) => (fn.Properties?.Environment?.Variables as Record<string, unknown> | undefined)?.SES_SYNC_MODE,
  );

const statementsOf = (template: Template, logicalIdPrefix: string): PolicyStatement[] =>
  Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(logicalIdPrefix))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);

describe('SES suppression list sync (CDK)', () => {
  describe('sesSyncMode off (the default)', () => {
    let synth: SynthesizedStack;
    beforeAll(() => {
      synth = synthesize();
    });
    afterAll(() => synth.cleanup());

    it('creates no sync function, schedule or SES suppression-list permission', () => {
      expect(synth.stack.handler.sync).toBeUndefined();
      expect(syncFunctions(synth.template)).toEqual([]);
      expect(JSON.stringify(synth.template.toJSON())).not.toMatch(/SuppressedDestination/);
    });
  });

  describe('sesSyncMode both', () => {
    let synth: SynthesizedStack;
    let template: Template;
    beforeAll(() => {
      synth = synthesize(
        { sesSyncMode: 'both', sesSyncRatePerSecond: '2', logRetentionDays: 14 },
        { nag: true },
      );
      template = synth.template;
    });
    afterAll(() => synth.cleanup());

    const fn = () => {
      const found = syncFunctions(template);
      expect(found).toHaveLength(1);
      return found[0] as [string, { Properties: Record<string, unknown> }];
    };

    it('runs the sync handler on Node.js 24, arm64, with a 15-minute timeout and its settings', () => {
      const [, resource] = fn();
      const tableId = onlyResource(template, 'AWS::DynamoDB::Table').logicalId;
      expect(resource.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Timeout: 900,
        Handler: 'index.handler',
      });
      expect((resource.Properties.Environment as { Variables: unknown }).Variables).toMatchObject({
        TABLE_NAME: { Ref: tableId },
        SES_SYNC_MODE: 'both',
        SES_SYNC_RATE: '2',
      });
    });

    it('logs to its own log group with the configured retention', () => {
      const [, resource] = fn();
      const logGroupRef = (resource.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(logGroupRef).toMatch(/^Sync/);
      expect(template.toJSON().Resources[logGroupRef].Properties).toMatchObject({ RetentionInDays: 14 });
    });

    it('is run by an EventBridge rule on the default schedule, without retries', () => {
      const [logicalId] = fn();
      const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((rule) =>
        JSON.stringify(rule).includes(logicalId),
      );
      expect(rules).toHaveLength(1);
      expect(rules[0]?.Properties).toMatchObject({
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        Targets: [{ Arn: { 'Fn::GetAtt': [logicalId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }],
      });
    });

    it('may call exactly the three SES suppression-list actions, in a policy of their own', () => {
      const ses = statementsOf(template, 'SyncSesSuppressionListPolicy');
      expect(ses).toHaveLength(1);
      expect(actionsOf(ses[0] as PolicyStatement).sort()).toEqual([
        'ses:DeleteSuppressedDestination',
        'ses:ListSuppressedDestinations',
        'ses:PutSuppressedDestination',
      ]);
      expect(resourcesOf(ses[0] as PolicyStatement)).toEqual(['*']);
    });

    it('gets table read/write and its own log group, nothing but X-Ray writes on "*" in its default policy', () => {
      const statements = statementsOf(template, 'SyncRoleDefaultPolicy');
      const tableId = onlyResource(template, 'AWS::DynamoDB::Table').logicalId;
      const actions = statements.flatMap(actionsOf);
      expect(actions).toEqual(
        expect.arrayContaining(['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:Scan']),
      );
      expect(actions.some((a) => a.startsWith('ses:'))).toBe(false);
      for (const statement of statements) {
        if (resourcesOf(statement).includes('*'))
          expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
      expect(JSON.stringify(statements.filter((s) => actionsOf(s)[0]?.startsWith('dynamodb:')))).toContain(
        tableId,
      );
    });

    it('passes cdk-nag, acknowledging "*" on the SES policy (with a precise reason), X-Ray and its DLQs', () => {
      expect(synth.nag?.length).toBe(2);
      for (const pack of synth.nag ?? []) expect(pack.validateScope(synth.app).violations).toEqual([]);
      const acks: Record<string, string> = {};
      for (const construct of synth.stack.node.findAll() as IConstruct[]) {
        for (const entry of construct.node.metadata) {
          if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
          for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
            if (construct.node.path.includes('/Sync/'))
              acks[`${construct.node.path} ${id.replace(/^annotation::/i, '')}`] = reason;
          }
        }
      }
      expect(Object.keys(acks).sort()).toEqual([
        'SesBounceHandler/Default/Sync/Function/Resource Serverless-LambdaDLQ',
        'SesBounceHandler/Default/Sync/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'SesBounceHandler/Default/Sync/ScheduleDeadLetterQueue/Resource AwsSolutions-SQS3',
        'SesBounceHandler/Default/Sync/ScheduleDeadLetterQueue/Resource Serverless-SQSRedrivePolicy',
        'SesBounceHandler/Default/Sync/SesSuppressionListPolicy AwsSolutions-IAM5[Resource::*]',
      ]);
      expect(
        acks['SesBounceHandler/Default/Sync/SesSuppressionListPolicy AwsSolutions-IAM5[Resource::*]'],
      ).toMatch(/account-level suppression list, which has no ARN/);
    });
  });

  it.each([
    ['push', ['ses:DeleteSuppressedDestination', 'ses:PutSuppressedDestination']],
    ['pull', ['ses:ListSuppressedDestinations']],
  ])('grants only what mode %s needs, on the configured schedule', (mode, expected) => {
    const synth = synthesize({ sesSyncMode: mode, syncSchedule: 'cron(0 3 * * ? *)' });
    try {
      expect(
        actionsOf(statementsOf(synth.template, 'SyncSesSuppressionListPolicy')[0] as PolicyStatement).sort(),
      ).toEqual(expected);
      expect(
        Object.values(synth.template.findResources('AWS::Events::Rule')).map(
          (r) => r.Properties.ScheduleExpression,
        ),
      ).toContain('cron(0 3 * * ? *)');
    } finally {
      synth.cleanup();
    }
  });
});

import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  onlyProperties,
  onlyResource,
  type PolicyStatement,
  resourcesOfType,
  type SynthesizedStack,
  synthesize,
} from './helpers';

const PROVIDER = /^AWS679f53fac002430cb0da5b7982bd2287/;

const propertiesOf = (template: Template, type: string) =>
  Object.entries(template.findResources(type)).map(
    ([id, r]) => [id, (r.Properties ?? {}) as Record<string, unknown>] as const,
  );

describe('compliance: nist-800-53-r5 profile', () => {
  let synth: SynthesizedStack;
  let template: Template;
  beforeAll(() => {
    synth = synthesize({
      compliance: 'nist-800-53-r5',
      sesIdentities: 'example.com',
      sesSyncMode: 'both',
      processorMaxConcurrency: 7,
    });
    template = synth.template;
  });
  afterAll(() => synth.cleanup());

  const logKey = () => onlyResource(template, 'AWS::KMS::Key', 'Nist');

  it('encrypts every log group of the stack with the profile key', () => {
    const groups = propertiesOf(template, 'AWS::Logs::LogGroup');
    expect(groups.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'HygieneLogGroup',
      'ProcessorLogGroup',
      'SesWiringIdentityNotificationsLogGroup',
      'SyncLogGroup',
    ]);
    for (const [id, props] of groups) {
      expect(props.KmsKeyId, id).toEqual({ 'Fn::GetAtt': [logKey().logicalId, 'Arn'] });
    }
  });

  it("lets CloudWatch Logs of this region use the key, for this account's log groups only; rotates and is retained", () => {
    const { resource } = logKey();
    expect(resource).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    const statements = (resource.Properties as { KeyPolicy: { Statement: PolicyStatement[] } }).KeyPolicy
      .Statement;
    const logs = statements.filter((s) => JSON.stringify(s.Principal).includes('logs.'));
    expect(logs).toHaveLength(1);
    expect(logs[0]?.Principal).toEqual({
      Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
    });
    expect(actionsOf(logs[0] as PolicyStatement)).toContain('kms:GenerateDataKey*');
    expect(logs[0]?.Condition).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':logs:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':log-group:*',
            ],
          ],
        },
      },
    });
  });

  it('backs the suppression table up daily into a retained vault, keeping each backup 35 days', () => {
    const vault = onlyResource(template, 'AWS::Backup::BackupVault');
    expect(vault.resource.DeletionPolicy).toBe('Retain');
    const plan = onlyProperties(template, 'AWS::Backup::BackupPlan').BackupPlan as {
      BackupPlanName: string;
      BackupPlanRule: Record<string, unknown>[];
    };
    expect(plan.BackupPlanName).toBe('SesBounceHandler-suppression-table');
    expect(plan.BackupPlanRule).toEqual([
      expect.objectContaining({
        ScheduleExpression: 'cron(0 5 * * ? *)',
        Lifecycle: { DeleteAfterDays: 35 },
        TargetBackupVault: { 'Fn::GetAtt': [vault.logicalId, 'BackupVaultName'] },
      }),
    ]);
    const selection = onlyProperties(template, 'AWS::Backup::BackupSelection').BackupSelection as {
      Resources: unknown[];
      IamRoleArn: { 'Fn::GetAtt': [string, string] };
    };
    expect(selection.Resources).toEqual([{ 'Fn::GetAtt': ['SuppressionTable', 'Arn'] }]);
    const role = template.toJSON().Resources[selection.IamRoleArn['Fn::GetAtt'][0]].Properties;
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('backup.amazonaws.com');
    // Back up only: the restore policy is not attached.
    expect(JSON.stringify(role.ManagedPolicyArns)).toContain('AWSBackupServiceRolePolicyForBackup');
    expect(JSON.stringify(role.ManagedPolicyArns)).not.toContain('Restores');
  });

  it('reserves concurrency: the processor as much as its event source may use, the others one', () => {
    const reserved = Object.fromEntries(
      propertiesOf(template, 'AWS::Lambda::Function').map(([id, p]) => [
        PROVIDER.test(id) ? 'provider' : id.replace(/Function[0-9A-F]{8}$/, ''),
        p.ReservedConcurrentExecutions,
      ]),
    );
    expect(reserved).toEqual({ Processor: 7, Hygiene: 1, Sync: 1, provider: 1 });
  });

  it('attaches customer managed policies instead of inline ones', () => {
    expect(resourcesOfType(template, 'AWS::IAM::Policy')).toEqual([]);
    for (const [id, role] of propertiesOf(template, 'AWS::IAM::Role'))
      expect(role.Policies, id).toBeUndefined();
    const attached = propertiesOf(template, 'AWS::IAM::ManagedPolicy').flatMap(([, p]) =>
      (p.Roles as { Ref: string }[]).map((r) => r.Ref.replace(/[0-9A-F]{8}$/, '')),
    );
    expect([...new Set(attached)].sort()).toEqual([
      'HygieneRole',
      'ProcessorRole',
      'SesWiringIdentityNotificationsRole',
      'SyncRole',
    ]);
    // The grants moved, not dropped: the processor may still write its logs and consume its queue.
    const processor = propertiesOf(template, 'AWS::IAM::ManagedPolicy')
      .filter(([id]) => id.startsWith('ProcessorRole'))
      .flatMap(([, p]) =>
        (p.PolicyDocument as { Statement: PolicyStatement[] }).Statement.flatMap(actionsOf),
      );
    expect(processor).toEqual(
      expect.arrayContaining([
        'logs:PutLogEvents',
        'sqs:ReceiveMessage',
        'dynamodb:PutItem',
        'xray:PutTraceSegments',
      ]),
    );
  });

  it('makes each function depend on its managed policy, so permissions exist before the first invocation', () => {
    for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
      const dependsOn = (fn.DependsOn ?? []) as string[];
      expect(
        dependsOn.some((d) => /RolePolicy[0-9A-F]{8}$/.test(d)),
        id,
      ).toBe(true);
    }
  });
});

describe('compliance: none (the default)', () => {
  it('adds no key, backup, reserved concurrency or managed policy', () => {
    const synth = synthesize({ sesIdentities: 'example.com', sesSyncMode: 'both' });
    try {
      const t = synth.template;
      expect(resourcesOfType(t, 'AWS::KMS::Key', 'Nist')).toEqual([]);
      t.resourceCountIs('AWS::Backup::BackupPlan', 0);
      t.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
      for (const [id, group] of propertiesOf(t, 'AWS::Logs::LogGroup'))
        expect(group.KmsKeyId, id).toBeUndefined();
      for (const [id, fn] of propertiesOf(t, 'AWS::Lambda::Function'))
        expect(fn.ReservedConcurrentExecutions, id).toBeUndefined();
    } finally {
      synth.cleanup();
    }
  });
});

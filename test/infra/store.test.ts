import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyResource, type SynthesizedStack, synthesize } from './helpers';

describe('store: suppression table', () => {
  let synth: SynthesizedStack;
  let template: Template;
  beforeAll(() => {
    synth = synthesize();
    template = synth.template;
  });
  afterAll(() => synth.cleanup());

  const table = () => onlyResource(template, 'AWS::DynamoDB::Table');

  it('is keyed on pk (S) + sk (S)', () => {
    expect(table().resource.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
    });
  });

  it('expires items through the expiresAt TTL attribute', () => {
    expect(table().resource.Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('bills on demand', () => {
    expect(table().resource.Properties).toMatchObject({ BillingMode: 'PAY_PER_REQUEST' });
  });

  it('has point-in-time recovery and deletion protection', () => {
    expect(table().resource.Properties).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('is retained when removed from the stack or replaced', () => {
    expect(table().resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('is encrypted with the AWS managed key (SSE enabled, no customer key)', () => {
    const sse = (table().resource.Properties as { SSESpecification?: Record<string, unknown> })
      .SSESpecification;
    expect(sse).toMatchObject({ SSEEnabled: true });
    expect(sse).not.toHaveProperty('KMSMasterKeyId');
  });

  it('keeps a pinned logical id, so refactoring constructs cannot replace the table', () => {
    expect(table().logicalId).toBe('SuppressionTable');
  });

  it('has no secondary indexes yet', () => {
    const props = table().resource.Properties as Record<string, unknown>;
    expect(props.GlobalSecondaryIndexes).toBeUndefined();
    expect(props.LocalSecondaryIndexes).toBeUndefined();
  });
});

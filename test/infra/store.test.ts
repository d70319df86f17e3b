import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/schema';
import { createTableInput } from '../../shared/adapters/dynamodb/table';
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
    });
    expect(
      (table().resource.Properties as { AttributeDefinitions: { AttributeName: string }[] })
        .AttributeDefinitions,
    ).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    );
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

  it('has one GSI, the sparse due index of list hygiene (duePk S + dueAt S, keys only), named as the code queries it', () => {
    const props = table().resource.Properties as Record<string, unknown>;
    expect(props.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: TABLE_SCHEMA.dueIndex.name,
        KeySchema: [
          { AttributeName: 'duePk', KeyType: 'HASH' },
          { AttributeName: 'dueAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
    expect(props.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'duePk', AttributeType: 'S' },
        { AttributeName: 'dueAt', AttributeType: 'S' },
      ]),
    );
    expect(props.LocalSecondaryIndexes).toBeUndefined();
  });

  it('declares the same table shape as `bounce init` creates (ensureTable)', () => {
    const props = table().resource.Properties as Record<string, unknown>;
    const input = createTableInput('any');
    const byName = (a: { AttributeName?: string | undefined }, b: { AttributeName?: string | undefined }) =>
      String(a.AttributeName).localeCompare(String(b.AttributeName));
    expect([...(props.AttributeDefinitions as { AttributeName: string }[])].sort(byName)).toEqual(
      [...(input.AttributeDefinitions ?? [])].sort(byName),
    );
    expect(props.KeySchema).toEqual(input.KeySchema);
    expect(props.GlobalSecondaryIndexes).toEqual(input.GlobalSecondaryIndexes);
  });
});

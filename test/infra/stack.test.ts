import { Token } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourcesOfType, type SynthesizedStack, synthesize } from './helpers';

describe('SesBounceHandlerStack', () => {
  let synth: SynthesizedStack;
  beforeAll(() => {
    synth = synthesize();
  });
  afterAll(() => synth.cleanup());

  it('is named SesBounceHandler by default', () => {
    expect(synth.stack.stackName).toBe('SesBounceHandler');
    expect(synth.stack.artifactId).toBe('SesBounceHandler');
  });

  it('takes the stack name from config', () => {
    const custom = synthesize({ stackName: 'SesBounceHandler-Staging' });
    try {
      expect(custom.stack.stackName).toBe('SesBounceHandler-Staging');
    } finally {
      custom.cleanup();
    }
  });

  it('is environment-agnostic (account and region resolve at deploy time)', () => {
    expect(Token.isUnresolved(synth.stack.account)).toBe(true);
    expect(Token.isUnresolved(synth.stack.region)).toBe(true);
  });

  it('outputs the topic ARN for SES, queue and DLQ URLs, table name and function name', () => {
    const outputs = synth.template.toJSON().Outputs as Record<
      string,
      { Value: unknown; Description?: string }
    >;
    const ref = (
      type: string,
      pick: (props: Record<string, unknown>, logicalId: string) => boolean = () => true,
    ) => {
      const found = Object.entries(synth.template.findResources(type)).filter(([id, r]) =>
        pick(r.Properties ?? {}, id),
      );
      expect(found).toHaveLength(1);
      return { Ref: found[0]?.[0] };
    };
    expect(outputs).toMatchObject({
      SesNotificationTopicArn: { Value: ref('AWS::SNS::Topic', (_, id) => id.startsWith('Ingest')) },
      OnCallTopicArn: { Value: ref('AWS::SNS::Topic', (_, id) => id.startsWith('OnCall')) },
      ProcessingQueueUrl: { Value: ref('AWS::SQS::Queue', (p) => p.RedrivePolicy !== undefined) },
      DeadLetterQueueUrl: {
        Value: ref('AWS::SQS::Queue', (_, id) => /^IngestDeadLetterQueue[0-9A-F]{8}$/.test(id)),
      },
      SuppressionTableName: { Value: ref('AWS::DynamoDB::Table') },
      ProcessorFunctionName: { Value: ref('AWS::Lambda::Function', (_, id) => id.startsWith('Processor')) },
    });
    expect(outputs.SesNotificationTopicArn?.Description).toMatch(/SES/);
  });

  it('contains no custom-resource helper functions without SES identities (processor and hygiene only)', () => {
    expect(
      resourcesOfType(synth.template, 'AWS::Lambda::Function').map(([id]) => id.replace(/[0-9A-F]{8}$/, '')),
    ).toEqual(['ProcessorFunction', 'HygieneFunction']);
  });
});

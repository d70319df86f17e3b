import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  onlyProperties,
  onlyResource,
  type PolicyStatement,
  render,
  resourcesOfType,
  type SynthesizedStack,
  sesArn,
  synthesize,
} from './helpers';

const ACCOUNT_ID = { Ref: 'AWS::AccountId' };

describe('ingest: SES → SNS topic → SQS queue + DLQ', () => {
  let synth: SynthesizedStack;
  let template: Template;
  beforeAll(() => {
    synth = synthesize();
    template = synth.template;
  });
  afterAll(() => synth.cleanup());

  const topic = () => onlyResource(template, 'AWS::SNS::Topic', 'Ingest');
  const topicPolicyStatements = () =>
    (
      onlyProperties(template, 'AWS::SNS::TopicPolicy', 'Ingest').PolicyDocument as {
        Statement: PolicyStatement[];
      }
    ).Statement;
  const queues = () => {
    const all = resourcesOfType(template, 'AWS::SQS::Queue', 'Ingest');
    const main = all.find(
      ([, r]) => (r.Properties as { RedrivePolicy?: unknown } | undefined)?.RedrivePolicy,
    );
    const [dlq, subscriptionDlq] = ['IngestDeadLetterQueue', 'IngestSubscriptionDeadLetterQueue'].map(
      (prefix) => all.find(([id]) => id.startsWith(prefix) && !id.startsWith(`${prefix}Policy`)),
    );
    if (all.length !== 3 || !main || !dlq || !subscriptionDlq)
      throw new Error(
        'expected the processing queue (with a redrive policy), its DLQ and the subscription DLQ',
      );
    type Queue = { logicalId: string; Properties: Record<string, unknown> };
    const asQueue = ([logicalId, resource]: [string, Record<string, unknown>]): Queue => ({
      logicalId,
      Properties: (resource.Properties ?? {}) as Record<string, unknown>,
    });
    return { main: asQueue(main), dlq: asQueue(dlq), subscriptionDlq: asQueue(subscriptionDlq) };
  };

  describe('topic policy', () => {
    it('lets only ses.amazonaws.com publish, only on behalf of this account and from its SES resources (aws:SourceArn)', () => {
      const allows = topicPolicyStatements().filter((s) => s.Effect === 'Allow');
      expect(allows).toEqual([
        expect.objectContaining({
          Principal: { Service: 'ses.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: topic().logicalId },
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCOUNT_ID },
            ArnLike: { 'aws:SourceArn': [expect.anything()] },
          },
        }),
      ]);
      const arns = (allows[0]?.Condition?.ArnLike?.['aws:SourceArn'] ?? []) as unknown[];
      expect(arns.map(render)).toEqual([sesArn('*')]);
    });

    it('denies publishing over plain HTTP (enforceSSL)', () => {
      expect(topicPolicyStatements()).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Principal: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    });

    it('is attached to the topic', () => {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', { Topics: [{ Ref: topic().logicalId }] });
    });
  });

  describe('topic encryption', () => {
    it('encrypts the topic with a customer managed key that rotates', () => {
      const key = onlyResource(template, 'AWS::KMS::Key', 'Ingest');
      expect(topic().resource.Properties).toMatchObject({
        KmsMasterKeyId: { 'Fn::GetAtt': [key.logicalId, 'Arn'] },
      });
      expect(key.resource.Properties).toMatchObject({ EnableKeyRotation: true });
    });

    it('lets SES use the key to publish, only on behalf of this account', () => {
      const statements = (
        onlyProperties(template, 'AWS::KMS::Key', 'Ingest').KeyPolicy as { Statement: PolicyStatement[] }
      ).Statement;
      const ses = statements.filter(
        (s) => (s.Principal as { Service?: unknown } | undefined)?.Service === 'ses.amazonaws.com',
      );
      expect(ses).toHaveLength(1);
      expect(ses[0]).toMatchObject({
        Effect: 'Allow',
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT_ID } },
      });
      expect(actionsOf(ses[0] as PolicyStatement).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    });

    it('grants no other service principal use of the key', () => {
      const statements = (
        onlyProperties(template, 'AWS::KMS::Key', 'Ingest').KeyPolicy as { Statement: PolicyStatement[] }
      ).Statement;
      const services = statements.flatMap((s) => {
        const service = (s.Principal as { Service?: string | string[] } | undefined)?.Service;
        return service === undefined ? [] : [service].flat();
      });
      expect(services).toEqual(['ses.amazonaws.com']);
    });
  });

  describe('subscription', () => {
    it('subscribes the processing queue to the topic with raw message delivery off', () => {
      const { main } = queues();
      expect(resourcesOfType(template, 'AWS::SNS::Subscription', 'Ingest')).toHaveLength(1);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        TopicArn: { Ref: topic().logicalId },
        Endpoint: { 'Fn::GetAtt': [main.logicalId, 'Arn'] },
        RawMessageDelivery: false,
      });
    });

    it('gives the subscription a redrive policy to its own DLQ, which only this topic may send to', () => {
      const { subscriptionDlq, dlq } = queues();
      expect(subscriptionDlq.logicalId).not.toBe(dlq.logicalId);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [subscriptionDlq.logicalId, 'Arn'] } },
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: subscriptionDlq.logicalId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': [subscriptionDlq.logicalId, 'Arn'] },
              Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topic().logicalId } } },
            }),
          ]),
        },
      });
      expect(subscriptionDlq.Properties.RedrivePolicy).toBeUndefined();
    });

    it('lets only this topic send to the queue', () => {
      const { main } = queues();
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: main.logicalId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topic().logicalId } } },
            }),
          ]),
        },
      });
    });
  });

  describe('queues', () => {
    it('redrives to the DLQ after the default 5 receives', () => {
      const { main, dlq } = queues();
      expect(main.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq.logicalId, 'Arn'] },
        maxReceiveCount: 5,
      });
    });

    it('keeps both DLQs and the topic key when the stack is deleted (DeletionPolicy Retain)', () => {
      const { dlq, subscriptionDlq } = queues();
      for (const logicalId of [dlq.logicalId, subscriptionDlq.logicalId]) {
        expect(template.toJSON().Resources[logicalId], logicalId).toMatchObject({
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
        });
      }
      expect(onlyResource(template, 'AWS::KMS::Key', 'Ingest').resource).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it('keeps dead letters for 14 days, in both DLQs', () => {
      expect(queues().dlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
      expect(queues().subscriptionDlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
    });

    it('encrypts all three queues and denies non-TLS access to each', () => {
      const { main, dlq, subscriptionDlq } = queues();
      for (const queue of [main, dlq, subscriptionDlq]) {
        expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: queue.logicalId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Action: 'sqs:*',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        });
      }
    });

    it('sets the visibility timeout to at least 6× the processor timeout', () => {
      const fn = onlyProperties(template, 'AWS::Lambda::Function', 'Processor');
      const timeout = fn.Timeout as number;
      expect(timeout).toBeGreaterThan(0);
      expect(queues().main.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    });
  });

  it('takes maxReceiveCount from config', () => {
    const custom = synthesize({ dlqMaxReceiveCount: 3 });
    try {
      custom.template.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
      });
    } finally {
      custom.cleanup();
    }
  });

  it('uses no actions other than publish in the topic policy', () => {
    for (const statement of topicPolicyStatements()) expect(actionsOf(statement)).toEqual(['sns:Publish']);
  });
});

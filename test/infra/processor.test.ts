import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorTimingFor, SERIAL_RECORD_BUDGET_MS } from '../../infra/constructs/processor';
import {
  actionsOf,
  onlyProperties,
  onlyResource,
  type PolicyStatement,
  resourcesOf,
  resourcesOfType,
  type SynthesizedStack,
  synthesize,
} from './helpers';

describe('processor: Lambda + SQS event source', () => {
  let synth: SynthesizedStack;
  let template: Template;
  beforeAll(() => {
    synth = synthesize();
    template = synth.template;
  });
  afterAll(() => synth.cleanup());

  const fn = () => onlyResource(template, 'AWS::Lambda::Function', 'Processor');
  const fnProps = () => fn().resource.Properties as Record<string, unknown>;
  const tableId = () => onlyResource(template, 'AWS::DynamoDB::Table').logicalId;
  // The processor's own policies (the hygiene and sync functions have theirs).
  const policyStatements = () =>
    resourcesOfType(template, 'AWS::IAM::Policy', 'Processor').flatMap(
      ([, p]) =>
        (p.Properties as { PolicyDocument: { Statement: PolicyStatement[] } }).PolicyDocument.Statement,
    );

  it('passes the suppression policy to the function as BOUNCE_POLICY only when one is configured', () => {
    const env = (t: Template) =>
      (
        onlyResource(t, 'AWS::Lambda::Function', 'Processor').resource.Properties as {
          Environment: { Variables: Record<string, unknown> };
        }
      ).Environment.Variables;
    expect(env(template)).not.toHaveProperty('BOUNCE_POLICY');
    const configured = synthesize({ policy: { auditRetentionDays: 90 } });
    try {
      expect(JSON.parse(env(configured.template).BOUNCE_POLICY as string)).toEqual({
        auditRetentionDays: 90,
      });
    } finally {
      configured.cleanup();
    }
  });

  describe('function', () => {
    it('runs on Node.js 22 or newer', () => {
      const runtime = fnProps().Runtime as string;
      const major = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1]);
      expect(major).toBeGreaterThanOrEqual(22);
    });

    it('runs on arm64 with 256 MB and, for the default batch of 100, a 30 s timeout', () => {
      expect(fnProps()).toMatchObject({ Architectures: ['arm64'], MemorySize: 256, Timeout: 30 });
    });

    it('exposes the suppression table as TABLE_NAME, plus the Powertools/logging settings', () => {
      expect((fnProps().Environment as { Variables: unknown }).Variables).toEqual({
        TABLE_NAME: { Ref: tableId() },
        POWERTOOLS_SERVICE_NAME: 'ses-bounce-handler',
        POWERTOOLS_METRICS_NAMESPACE: 'SesBounceHandler',
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it('traces with X-Ray', () => {
      expect(fnProps().TracingConfig).toEqual({ Mode: 'Active' });
    });

    it('logs to its own log group with the default 30-day retention', () => {
      const logGroup = onlyResource(template, 'AWS::Logs::LogGroup', 'Processor');
      expect(fnProps().LoggingConfig).toEqual({ LogGroup: { Ref: logGroup.logicalId } });
      expect(logGroup.resource.Properties).toMatchObject({ RetentionInDays: 30 });
    });

    it('calls the exported `handler` of the ESM bundle', () => {
      expect(fnProps().Handler).toBe('index.handler');
    });
  });

  describe('event source mapping', () => {
    const mapping = () => onlyProperties(template, 'AWS::Lambda::EventSourceMapping');

    it('reads the processing queue and reports partial batch failures', () => {
      const queueId = Object.entries(template.findResources('AWS::SQS::Queue')).find(
        ([, q]) => q.Properties?.RedrivePolicy !== undefined,
      )?.[0];
      expect(mapping()).toMatchObject({
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionName: { Ref: fn().logicalId },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('uses the default batch size 100, a 5 s batching window and max concurrency 5', () => {
      expect(mapping()).toMatchObject({
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 5,
        ScalingConfig: { MaximumConcurrency: 5 },
      });
    });

    it('takes batch size, batching window, concurrency and log retention from config', () => {
      const custom = synthesize({
        batchSize: 50,
        maxBatchingWindowSeconds: 20,
        maxConcurrency: 2,
        logRetentionDays: 7,
      });
      try {
        expect(onlyProperties(custom.template, 'AWS::Lambda::EventSourceMapping')).toMatchObject({
          BatchSize: 50,
          MaximumBatchingWindowInSeconds: 20,
          ScalingConfig: { MaximumConcurrency: 2 },
        });
        expect(onlyProperties(custom.template, 'AWS::Logs::LogGroup', 'Processor')).toMatchObject({
          RetentionInDays: 7,
        });
      } finally {
        custom.cleanup();
      }
    });
  });

  describe('IAM', () => {
    const dynamoStatements = () =>
      policyStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));

    it('grants DynamoDB read/write on the suppression table', () => {
      const actions = dynamoStatements().flatMap(actionsOf);
      expect(actions).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
        ]),
      );
    });

    it('scopes every DynamoDB statement to the table (or its indexes), never "*"', () => {
      const statements = dynamoStatements();
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        for (const resource of resourcesOf(statement)) {
          expect(resource).not.toBe('*');
          expect(JSON.stringify(resource)).toContain(`"${tableId()}"`);
        }
      }
    });

    it('may write logs to its own log group only (no AWSLambdaBasicExecutionRole)', () => {
      const role = onlyResource(template, 'AWS::IAM::Role', 'Processor');
      expect(fnProps().Role).toEqual({ 'Fn::GetAtt': [role.logicalId, 'Arn'] });
      expect((role.resource.Properties as Record<string, unknown>).ManagedPolicyArns).toBeUndefined();
      const logGroupId = onlyResource(template, 'AWS::Logs::LogGroup', 'Processor').logicalId;
      const logStatements = policyStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      expect(logStatements).toHaveLength(1);
      expect(logStatements[0]?.Resource).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
      expect(actionsOf(logStatements[0] as PolicyStatement).sort()).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]);
    });

    it('reaches no index (it never reads one), so no index wildcard either', () => {
      expect(JSON.stringify(dynamoStatements().map((statement) => statement.Resource))).not.toContain(
        '/index/',
      );
    });

    it('does not grant dynamodb:* or table administration', () => {
      const actions = dynamoStatements().flatMap(actionsOf);
      expect(actions).not.toContain('dynamodb:*');
      expect(actions.filter((a) => /^dynamodb:(Create|Delete|Update)Table$/.test(a))).toEqual([]);
    });
  });
});

describe('processor: timeouts derived from the batching settings', () => {
  const queueOf = (template: Template) =>
    Object.values(template.findResources('AWS::SQS::Queue')).find((q) => q.Properties?.RedrivePolicy)
      ?.Properties as { VisibilityTimeout: number };

  it.each([
    // batchSize, window: the timeout covers a batch taken one record at a time (worst case: one address).
    [10, 0, 30],
    [1000, 60, 60],
    [10_000, 300, 510],
  ])(
    'batchSize %i with a %i s window: timeout %i s, visibility 6 × timeout + window',
    (batchSize, window, timeout) => {
      const synth = synthesize({ batchSize, maxBatchingWindowSeconds: window });
      try {
        const fn = onlyProperties(synth.template, 'AWS::Lambda::Function', 'Processor');
        expect(fn.Timeout).toBe(timeout);
        expect(queueOf(synth.template).VisibilityTimeout).toBe(6 * timeout + window);
        expect(onlyProperties(synth.template, 'AWS::Lambda::EventSourceMapping')).toMatchObject({
          BatchSize: batchSize,
          MaximumBatchingWindowInSeconds: window,
        });
        // The function's time budget per record (its timeout less the reserve it keeps) covers the batch in series.
        expect(((timeout - 3) * 1000) / batchSize).toBeGreaterThanOrEqual(SERIAL_RECORD_BUDGET_MS * 0.9);
      } finally {
        synth.cleanup();
      }
    },
  );

  it('keeps visibility within SQS’s 12 hours and the timeout within Lambda’s 15 minutes at the extremes', () => {
    const timing = processorTimingFor({ batchSize: 10_000, maxBatchingWindowSeconds: 300 });
    expect(timing.timeout.toSeconds()).toBeLessThanOrEqual(900);
    expect(timing.visibilityTimeout.toSeconds()).toBeLessThanOrEqual(12 * 3600);
  });
});

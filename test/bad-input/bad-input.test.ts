import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSqsEvent, toSqsRecord } from '../../cli/sqs';
import { createProcessor } from '../../functions/processor/processor';
import { DynamoDbSuppressionStore } from '../../shared/adapters/dynamodb/store';
import { classify } from '../../shared/core/classify';
import { snsEnvelope } from '../fixtures/ses-examples';
import { startTestEngine, type TestEngine } from '../support/engine';
import { BAD_INPUT } from './corpus';

let engine: TestEngine;
let store: DynamoDbSuppressionStore;
let processor: ReturnType<typeof createProcessor>;
beforeAll(async () => {
  engine = await startTestEngine();
  store = new DynamoDbSuppressionStore(engine.connection.documentClient, await engine.newTable());
  processor = createProcessor({
    store,
    classify: (input) => classify(input),
    logger: new Logger({ serviceName: 'bad-input', logLevel: 'SILENT' }),
  });
});
afterAll(async () => {
  await engine.close();
});

/** A valid hard bounce for one address: it must land whatever its neighbours in the batch do. */
const good = (address: string, id: string) =>
  snsEnvelope(
    {
      notificationType: 'Bounce',
      mail: {
        timestamp: '2026-03-01T10:00:00.000Z',
        messageId: `good-${id}`,
        source: 'news@mail.example.com',
        destination: [address],
      },
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '5.1.1' }],
        timestamp: '2026-03-01T10:00:05.000Z',
        feedbackId: `good-${id}`,
      },
    },
    `sns-good-${id}`,
  );

describe('bad input corpus through the real processor', () => {
  it('has at least 40 cases with distinct names', () => {
    expect(BAD_INPUT.length).toBeGreaterThanOrEqual(40);
    expect(new Set(BAD_INPUT.map((c) => c.name)).size).toBe(BAD_INPUT.length);
  });

  it.each(BAD_INPUT.map((c, i) => [c.name, c, i] as const))('%s', async (_name, testCase, index) => {
    const before = `good-before-${index}@example.com`;
    const after = `good-after-${index}@example.com`;
    const records = [
      toSqsRecord(good(before, `b${index}`), 'before'),
      ...testCase.bodies.map((body, i) => toSqsRecord(body, `case-${i}`)),
      toSqsRecord(good(after, `a${index}`), 'after'),
    ];
    const { response, failures, outcomes } = await processor.processBatch(toSqsEvent(records));
    const failed = response.batchItemFailures.map((f) => f.itemIdentifier).sort();
    const caseIds = testCase.bodies.map((_, i) => `case-${i}`);

    // The good neighbours always land.
    expect((await store.get(before))?.state.status).toBe('suppressed');
    expect((await store.get(after))?.state.status).toBe('suppressed');

    const expectation = testCase.expect;
    if ('fails' in expectation) {
      expect(failed).toEqual(caseIds);
      for (const id of caseIds) {
        const error = failures.get(id) ?? '';
        expect(error).toMatch(expectation.fails);
        // Clear and bounded: no stack, no 100 KB echo of the input.
        expect(error.length).toBeLessThan(2000);
        expect(error).not.toMatch(/\n\s+at /);
      }
      for (const address of expectation.untouched ?? []) expect(await store.get(address)).toBeUndefined();
      for (const address of expectation.landed ?? [])
        expect((await store.get(address))?.state.status, address).toBe('suppressed');
    } else if ('ignored' in expectation) {
      expect(failed).toEqual([]);
      for (const id of caseIds) expect(outcomes.get(id)?.kind).toBe('ignored');
    } else {
      expect(failed, JSON.stringify(Object.fromEntries(failures))).toEqual([]);
      for (const id of caseIds) expect(outcomes.get(id)?.kind).toBe('applied');
      await expectation.applied(store);
    }
  });
});

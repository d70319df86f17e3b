import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { powertoolsMetrics } from '../functions/processor/metrics';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The EMF documents Powertools prints for one publish call. */
function captureEmf(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => capture(args.join(' ')));
  run();
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('_aws'))
    .map((line) => JSON.parse(line));
}

describe('processor metrics (EMF through Powertools)', () => {
  it('publishes record counts, decisions by reason, and sender-side failures by identity', () => {
    const metrics = new Metrics({ namespace: 'SesBounceHandlerTest', serviceName: 'test' });
    const documents = captureEmf(() =>
      powertoolsMetrics(metrics).publish({
        processed: 9,
        failed: 1,
        ignored: 2,
        decisions: [{ decision: 'suppress', reason: 'userunknown', count: 4 }],
        senderSide: [{ identity: 'mail.example.com', reason: 'blocked', count: 3 }],
      }),
    );
    const batch = documents.find((doc) => 'RecordsProcessed' in doc);
    expect(batch).toMatchObject({
      RecordsProcessed: 9,
      RecordsFailed: 1,
      RecordsIgnored: 2,
      SenderSideFailures: 3,
    });
    expect(documents.find((doc) => 'RecipientDecisions' in doc)).toMatchObject({
      RecipientDecisions: 4,
      Decision: 'suppress',
      Reason: 'userunknown',
    });
    expect(documents.find((doc) => 'SenderSideFailures' in doc && 'Identity' in doc)).toMatchObject({
      SenderSideFailures: 3,
      Identity: 'mail.example.com',
      Reason: 'blocked',
    });
  });
});

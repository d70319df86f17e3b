/**
 * Documented replies as test tables: each row is one reply as a receiver's own documentation words
 * it (the doc's URL is in a comment above each block), and the reason, party and decision that its
 * documented meaning calls for. The diagnostic code is given the way SES forwards it (`smtp; …`);
 * the enhanced status code, when the reply has one, also goes in `status` as SES sets it.
 */
import { expect, it } from 'vitest';
import { classify, type Decision, type Party, type Reason } from '../../../shared/core/classify/index';

export type Row = readonly [reply: string, reason: Reason, party: Party, decision: Decision];

const ENHANCED = /\b([245]\.\d{1,3}\.\d{1,3})\b/;

/** Shorthands for the common (party, decision) pairs. */
export const SENDER = ['sender', 'alert-sender'] as const;
export const GONE = ['recipient', 'suppress'] as const;
export const SOFT = ['recipient', 'count-soft'] as const;
export const LATER = ['transient', 'count-soft'] as const;

export function table(rows: readonly Row[]): void {
  for (const [reply, reason, party, decision] of rows) {
    it(`${reason}/${party}/${decision} ← ${reply.slice(0, 90)}`, () => {
      const status = ENHANCED.exec(reply)?.[1];
      const got = classify({
        action: 'failed',
        diagnosticCode: `smtp; ${reply}`,
        ...(status === undefined ? {} : { status }),
      });
      expect({ reason: got.reason, party: got.party, decision: got.decision }, got.rule).toEqual({
        reason,
        party,
        decision,
      });
    });
  }
}

export const row = (reply: string, reason: Reason, [party, decision]: readonly [Party, Decision]): Row => [
  reply,
  reason,
  party,
  decision,
];

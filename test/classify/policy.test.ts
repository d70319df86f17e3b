import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classify,
  DECISIONS,
  DEFAULT_POLICY,
  decide,
  formatPolicyTable,
  isHard,
  PARTIES,
  PARTY_OF,
  policyTable,
  REASONS,
  type Reason,
  resolvePolicy,
} from '../../shared/core/classify/index';

const SENDER_REASONS = REASONS.filter((r) => PARTY_OF[r] === 'sender');
const SUPPRESSING = new Set(['suppress', 'suppress-temporarily']);

describe('party and decision tables', () => {
  it.each(REASONS)('%s has a party and a default decision', (reason) => {
    expect(PARTIES).toContain(PARTY_OF[reason]);
    const rule = DEFAULT_POLICY[reason];
    const decisions = typeof rule === 'string' ? [rule] : [rule.hard, rule.soft];
    for (const d of decisions) expect(DECISIONS).toContain(d);
  });

  it('has no entries for unknown reasons', () => {
    expect(Object.keys(DEFAULT_POLICY).sort()).toEqual([...REASONS].sort());
    expect(Object.keys(PARTY_OF).sort()).toEqual([...REASONS].sort());
  });

  it('documents the judgement calls', () => {
    expect(decide('userunknown', true)).toBe('suppress');
    expect(decide('hostunknown', true)).toBe('suppress');
    expect(decide('hasmoved', true)).toBe('suppress');
    expect(decide('suppressed', false)).toBe('suppress');
    expect(decide('notaccept', true)).toBe('suppress');
    expect(decide('notaccept', false)).toBe('count-soft');
    expect(decide('suspend', false)).toBe('suppress-temporarily');
    expect(decide('mailboxfull', false)).toBe('count-soft');
    expect(decide('filtered', false)).toBe('count-soft');
    expect(decide('expired', false)).toBe('count-soft');
    expect(decide('vacation', false)).toBe('ignore');
    expect(decide('blocked', false)).toBe('alert-sender');
    expect(PARTY_OF.vacation).toBe('none');
    expect(PARTY_OF.networkerror).toBe('transient');
    expect(PARTY_OF.mailboxfull).toBe('recipient');
  });

  it('sender-side failures never suppress the recipient (every reason, hard or soft, default policy)', () => {
    expect(SENDER_REASONS.length).toBeGreaterThan(10);
    fc.assert(
      fc.property(fc.constantFrom(...SENDER_REASONS), fc.boolean(), (reason, hard) => {
        expect(SUPPRESSING.has(decide(reason, hard))).toBe(false);
        expect(decide(reason, hard)).toBe('alert-sender');
      }),
    );
  });

  it('sender-side failures never suppress, under any policy resolvePolicy accepts', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...REASONS), fc.constantFrom(...DECISIONS), { maxKeys: 8 }),
        fc.constantFrom(...SENDER_REASONS),
        fc.boolean(),
        (overrides, reason, hard) => {
          let policy: ReturnType<typeof resolvePolicy>;
          try {
            policy = resolvePolicy(overrides);
          } catch {
            return; // refused: fine
          }
          expect(SUPPRESSING.has(decide(reason, hard, policy))).toBe(false);
        },
      ),
    );
  });

  it('classify never suppresses for a sender-party verdict (texts from every sender family)', () => {
    const texts = [
      'smtp; 554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org',
      "smtp; 550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy",
      'smtp; 451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.',
      'smtp; 550 5.1.1 user unknown; also your IP is listed on spamhaus',
    ];
    for (const diagnosticCode of texts) {
      for (const bounceSubType of ['General', 'NoEmail', undefined]) {
        const got = classify({ bounceType: 'Permanent', bounceSubType, diagnosticCode });
        if (got.party === 'sender') expect(SUPPRESSING.has(got.decision)).toBe(false);
      }
    }
  });
});

describe('policy table for docs', () => {
  it('has one row per reason and prints as Markdown', () => {
    const rows = policyTable();
    expect(rows.map((r) => r.reason)).toEqual([...REASONS]);
    expect(rows.find((r) => r.reason === 'notaccept')).toEqual({
      reason: 'notaccept',
      party: 'recipient',
      hard: 'suppress',
      soft: 'count-soft',
    });
    const md = formatPolicyTable();
    expect(md).toContain('| userunknown | recipient | suppress |');
    expect(md).toContain('| notaccept | recipient | suppress (hard) / count-soft (soft) |');
    expect(md.split('\n')).toHaveLength(REASONS.length + 2);
  });
});

describe('resolvePolicy', () => {
  it('returns the defaults for no overrides', () => {
    expect(resolvePolicy()).toEqual(DEFAULT_POLICY);
    expect(resolvePolicy({})).toEqual(DEFAULT_POLICY);
  });

  it('applies overrides, plain and hard/soft', () => {
    const policy = resolvePolicy({
      mailboxfull: 'suppress-temporarily',
      notaccept: { hard: 'suppress', soft: 'ignore' },
    });
    expect(policy.mailboxfull).toBe('suppress-temporarily');
    expect(decide('notaccept', false, policy)).toBe('ignore');
    expect(decide('userunknown', true, policy)).toBe('suppress');
    expect(
      classify({ status: '5.2.2', diagnosticCode: 'smtp; 552 5.2.2 Mailbox full' }, policy).decision,
    ).toBe('suppress-temporarily');
    // The defaults are untouched.
    expect(DEFAULT_POLICY.mailboxfull).toBe('count-soft');
  });

  it('lets a sender-side reason be ignored', () => {
    expect(resolvePolicy({ speeding: 'ignore' }).speeding).toBe('ignore');
  });

  it('returns a frozen policy', () => {
    expect(Object.isFrozen(resolvePolicy({ filtered: 'suppress' }))).toBe(true);
  });

  it.each([
    [{ userunkown: 'suppress' }, 'unknown reason "userunkown"'],
    [{ mailboxfull: 'delete' }, 'unknown decision "delete"'],
    [{ mailboxfull: 3 }, 'unknown decision 3'],
    [{ notaccept: { hard: 'suppress', soft: 'nope' } }, 'reason "notaccept".soft: unknown decision "nope"'],
    [{ notaccept: { hard: 'suppress', soft: 'ignore', maybe: 'x' } }, 'unknown key "maybe"'],
    [{ blocked: 'suppress' }, 'reason "blocked" is a sender-side failure; decision "suppress"'],
    [{ authfailure: 'count-soft' }, 'decision "count-soft"'],
    [
      { spamdetected: { hard: 'suppress-temporarily', soft: 'alert-sender' } },
      'decision "suppress-temporarily"',
    ],
    ['suppress', 'overrides must be an object'],
    [null, 'overrides must be an object'],
    [['mailboxfull'], 'overrides must be an object'],
  ])('rejects %j', (overrides, message) => {
    expect(() => resolvePolicy(overrides)).toThrow(message);
  });
});

describe('hard / soft', () => {
  it.each([
    ['userunknown', '5.1.1', 'smtp; 550 5.1.1 user unknown', true],
    ['hostunknown', '5.1.2', 'smtp; 550 5.1.2 host unknown', true],
    ['hasmoved', '5.1.6', 'smtp; 550 5.1.6 has moved', true],
    ['notaccept', '5.1.10', 'smtp; 556 5.1.10 domain does not accept mail', true],
    ['notaccept', '4.4.4', 'smtp; no MX found for domain', false],
    ['notaccept', null, 'smtp; 421 domain not accepting mail', false],
    ['notaccept', '5.0.0', 'smtp; 550 domain temporarily does not accept mail', true],
    ['notaccept', null, 'smtp; domain temporarily does not accept mail', false],
    ['notaccept', null, 'smtp; 451 4.4.4 no mx', false],
    ['notaccept', null, 'smtp; No MX found for domain', true],
    ['mailboxfull', '5.2.2', 'smtp; 552 5.2.2 mailbox full', false],
    ['suppressed', null, '', false],
    ['blocked', '5.7.1', 'smtp; 554 spamhaus', false],
    ['filtered', '5.0.0', 'smtp; 550 filtered', false],
  ] as const)('%s status=%s %j → %s', (reason, status, text, hard) => {
    expect(isHard(reason as Reason, status, text)).toBe(hard);
  });

  it('classify applies it: notaccept 4xx counts soft, 5xx suppresses', () => {
    const soft = classify({
      status: '4.0.0',
      diagnosticCode: 'smtp; 451 4.0.0 Domain example.com is not accepting mail at present',
    });
    expect(soft).toMatchObject({ reason: 'notaccept', hard: false, decision: 'count-soft' });
    const hard = classify({
      status: '5.1.10',
      diagnosticCode: 'smtp; 556 5.1.10 Recipient address rejected: Domain example.com does not accept mail',
    });
    expect(hard).toMatchObject({ reason: 'notaccept', hard: true, decision: 'suppress' });
  });

  it('only userunknown, hostunknown, hasmoved and notaccept are ever hard', () => {
    const hardable = new Set(['userunknown', 'hostunknown', 'hasmoved', 'notaccept']);
    for (const reason of REASONS) expect(isHard(reason, '5.0.0', 'smtp; 550 x')).toBe(hardable.has(reason));
  });
});

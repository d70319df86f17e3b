import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../shared/core/classify';
import { DEFAULT_RUNTIME_POLICY, parsePolicyJson, resolvePolicyConfig } from '../shared/core/policy-config';
import { DEFAULT_STATE_POLICY } from '../shared/core/state';

describe('policy config', () => {
  it('resolves to the documented defaults when empty', () => {
    expect(resolvePolicyConfig({})).toEqual({ decisions: DEFAULT_POLICY, state: DEFAULT_STATE_POLICY });
    expect(parsePolicyJson(undefined, 'BOUNCE_POLICY')).toBe(DEFAULT_RUNTIME_POLICY);
  });

  it('applies decision overrides, escalation rules and retention on top of the defaults', () => {
    const policy = resolvePolicyConfig({
      decisions: { mailboxfull: 'suppress-temporarily' },
      escalation: { systemerror: { minCount: 5, minSpanHours: 24, outcome: 'suppressed' } },
      temporarySuppressionDays: 14,
      auditRetentionDays: 90,
    });
    expect(policy.decisions.mailboxfull).toBe('suppress-temporarily');
    expect(policy.decisions.userunknown).toBe('suppress');
    expect(policy.state.escalation.systemerror).toEqual({
      minCount: 5,
      minSpanHours: 24,
      outcome: 'suppressed',
    });
    expect(policy.state.escalation.mailboxfull).toEqual(DEFAULT_STATE_POLICY.escalation.mailboxfull);
    expect(policy.state).toMatchObject({
      temporarySuppressionDays: 14,
      auditRetentionDays: 90,
      maxEventsPerAddress: 20,
    });
  });

  it.each([
    [{ temporarySuppressionDays: 0 }, /temporarySuppressionDays: .*got 0/],
    [{ auditRetentionDays: 'forever' }, /auditRetentionDays: .*got "forever"/],
    [
      { escalation: { mailboxfull: { minCount: 3, minSpanHours: 72, outcome: 'delete' } } },
      /escalation\.mailboxfull\.outcome: .*got "delete"/,
    ],
    [{ escalation: { nosuchreason: { minCount: 1, minSpanHours: 0, outcome: 'suppressed' } } }, /escalation/],
    [{ retention: 5 }, /retention/],
    [{ decisions: { nosuchreason: 'suppress' } }, /unknown reason "nosuchreason"/],
    [{ decisions: { blocked: 'suppress' } }, /sender-side failure/],
  ])('rejects %j with an error naming the key and value', (input, message) => {
    expect(() => resolvePolicyConfig(input)).toThrow(message);
  });

  it('names where a policy that is not JSON came from', () => {
    expect(() => parsePolicyJson('{oops', 'BOUNCE_POLICY')).toThrow(/BOUNCE_POLICY is not JSON.*"\{oops"/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AddressEvent, ManualEvent } from '../shared/core/events';
import { PolicyConfigError, resolvePolicyConfig } from '../shared/core/policy-config';
import {
  DEFAULT_MAX_TENANTS_PER_ADDRESS,
  DEFAULT_STATE_POLICY,
  deriveState,
  type StatePolicy,
  tenantState,
} from '../shared/core/state';
import {
  anyEventWithoutId,
  bounceEvent,
  complaintEvent,
  hoursAfterStart as h,
  manualEvent,
} from './support/events';

const TENANT: StatePolicy = { ...DEFAULT_STATE_POLICY, suppressionScope: 'tenant' };
const by = <E extends AddressEvent>(event: E, tenant: string): E => ({ ...event, tenant });
const now = new Date(h(24 * 365));

describe('suppression scope "account" (the default): tenants change nothing', () => {
  it('is the default, and the resolved default policy carries no scope of its own', () => {
    expect(resolvePolicyConfig({}).state).toEqual(DEFAULT_STATE_POLICY);
    expect(DEFAULT_STATE_POLICY.suppressionScope).toBeUndefined();
  });

  it('derives, for any events, exactly the state the same events without tenants derive', () => {
    const tenants = fc.constantFrom(undefined, 'acme', 'globex', 'initech');
    fc.assert(
      fc.property(fc.array(fc.tuple(anyEventWithoutId, tenants), { maxLength: 25 }), (rows) => {
        const plain = rows.map(([event], i) => ({ ...event, id: `e${i}` }) as AddressEvent);
        const tagged = plain.map((event, i) => {
          const tenant = rows[i]?.[1];
          // Operators' events name a tenant only when asked to (`--tenant`); the processor's always may.
          return tenant === undefined || event.type === 'manual' ? event : by(event, tenant);
        });
        const state = deriveState(tagged);
        expect(state).toEqual(deriveState(plain));
        expect(state.tenants).toBeUndefined();
      }),
    );
  });

  it("suppresses on a tenant's complaint for every sender", () => {
    const state = deriveState([by(complaintEvent('c1', h(0)), 'acme')]);
    expect(state).toEqual({ status: 'suppressed', reason: 'feedback', since: h(0), source: 'complaint' });
    expect(tenantState(state, 'globex', now).status).toBe('suppressed');
  });
});

describe('suppression scope "tenant"', () => {
  it('suppresses on a complaint for the complaining tenant only', () => {
    const state = deriveState([by(complaintEvent('c1', h(0)), 'acme')], TENANT);
    expect(state).toEqual({
      status: 'clear',
      tenants: { acme: { status: 'suppressed', reason: 'feedback', since: h(0), source: 'complaint' } },
    });
    expect(tenantState(state, 'acme', now)).toEqual({
      status: 'suppressed',
      reason: 'feedback',
      since: h(0),
      source: 'complaint',
    });
    expect(tenantState(state, 'globex', now)).toEqual({ status: 'clear' });
    expect(tenantState(state, undefined, now)).toEqual({ status: 'clear' });
  });

  it('keeps a hard bounce account-wide: the address cannot receive, whoever sends', () => {
    const state = deriveState(
      [by(complaintEvent('c1', h(0)), 'acme'), by(bounceEvent('b1', h(1), 'userunknown'), 'globex')],
      TENANT,
    );
    expect(state).toMatchObject({ status: 'suppressed', reason: 'userunknown', source: 'bounce' });
    for (const tenant of [undefined, 'acme', 'globex', 'initech'])
      expect(tenantState(state, tenant, now).reason).toBe('userunknown');
    // The tenant's complaint stays behind the bounce.
    expect(Object.keys(state.tenants ?? {})).toEqual(['acme']);
  });

  it('suppresses account-wide on a complaint about mail sent without a tenant', () => {
    expect(deriveState([complaintEvent('c1', h(0))], TENANT)).toEqual({
      status: 'suppressed',
      reason: 'feedback',
      since: h(0),
      source: 'complaint',
    });
  });

  it('ignores not-spam feedback, as account-wide', () => {
    expect(deriveState([by(complaintEvent('c1', h(0), 'not-spam'), 'acme')], TENANT)).toEqual({
      status: 'clear',
    });
  });

  it('keeps the first complaint of a tenant, and a watch or a temporary suppression beside it', () => {
    const state = deriveState(
      [
        by(bounceEvent('s1', h(0), 'mailboxfull'), 'acme'),
        by(complaintEvent('c2', h(5)), 'acme'),
        by(complaintEvent('c1', h(2)), 'acme'),
      ],
      TENANT,
    );
    expect(state).toMatchObject({ status: 'watch', softBounces: 1 });
    expect(state.tenants).toEqual({
      acme: { status: 'suppressed', reason: 'feedback', since: h(2), source: 'complaint' },
    });
  });

  it('lifts by tenant: an operator lift without --tenant leaves tenants alone, with --tenant only that one', () => {
    const lift = (id: string, at: string, tenant?: string): ManualEvent => ({
      ...manualEvent(id, at, 'unsuppress'),
      ...(tenant ? { tenant } : {}),
    });
    const complaints = [by(complaintEvent('c1', h(0)), 'acme'), by(complaintEvent('c2', h(0)), 'globex')];
    expect(Object.keys(deriveState([...complaints, lift('u1', h(1))], TENANT).tenants ?? {})).toEqual([
      'acme',
      'globex',
    ]);
    expect(deriveState([...complaints, lift('u1', h(1), 'acme')], TENANT).tenants).toEqual({
      globex: { status: 'suppressed', reason: 'feedback', since: h(0), source: 'complaint' },
    });
  });

  it('suppresses by hand for one tenant, until a time if asked, in any scope', () => {
    const suppress: ManualEvent = { ...manualEvent('m1', h(0), 'suppress', h(48)), tenant: 'acme' };
    for (const policy of [DEFAULT_STATE_POLICY, TENANT]) {
      const state = deriveState([suppress], policy);
      expect(state.status).toBe('clear');
      expect(tenantState(state, 'acme', new Date(h(47)))).toMatchObject({
        status: 'suppressed-until',
        until: h(48),
        source: 'manual',
      });
      expect(tenantState(state, 'acme', new Date(h(48))).status).toBe('clear');
      // Once its end has passed, the fold lets it go.
      expect(
        deriveState([suppress, bounceEvent('s1', h(49), 'mailboxfull')], policy).tenants,
      ).toBeUndefined();
    }
  });

  it(`suppresses account-wide at the ${DEFAULT_MAX_TENANTS_PER_ADDRESS + 1}th complaining tenant, and the map stays bounded`, () => {
    const complaints = Array.from({ length: 200 }, (_, i) => by(complaintEvent(`c${i}`, h(i)), `t${i}`));
    const state = deriveState(complaints, TENANT);
    expect(Object.keys(state.tenants ?? {})).toHaveLength(DEFAULT_MAX_TENANTS_PER_ADDRESS);
    expect(state).toMatchObject({
      status: 'suppressed',
      reason: 'feedback',
      since: h(DEFAULT_MAX_TENANTS_PER_ADDRESS),
      source: 'complaint',
    });
    expect(tenantState(state, 'someone-else', now).status).toBe('suppressed');
    const small = deriveState(complaints.slice(0, 3), { ...TENANT, maxTenantsPerAddress: 2 });
    expect(small).toMatchObject({ status: 'suppressed', since: h(2) });
    expect(Object.keys(small.tenants ?? {})).toEqual(['t0', 't1']);
  });

  it("an operator's suppression for one tenant too many escalates, but never shortens what the account has", () => {
    const policy = { ...TENANT, maxTenantsPerAddress: 2 };
    const full = [by(complaintEvent('c0', h(1)), 't0'), by(complaintEvent('c1', h(2)), 't1')];
    // Suppressed account-wide until h(100); then an operator suppresses it for t2 until h(10).
    const long = manualEvent('m0', h(0), 'suppress', h(100));
    const short: ManualEvent = { ...manualEvent('m1', h(3), 'suppress', h(10)), tenant: 't2' };
    expect(deriveState([long, ...full, short], policy)).toMatchObject({
      status: 'suppressed-until',
      until: h(100),
    });
    // Without an account suppression, it escalates with its own end.
    expect(deriveState([...full, short], policy)).toMatchObject({
      status: 'suppressed-until',
      until: h(10),
      source: 'manual',
    });
  });

  it('derives the same state for any order of the same events', () => {
    const events = [
      by(complaintEvent('c1', h(0)), 'acme'),
      by(complaintEvent('c2', h(1)), 'globex'),
      by(bounceEvent('s1', h(2), 'mailboxfull'), 'acme'),
      { ...manualEvent('u1', h(3), 'unsuppress'), tenant: 'acme' },
      by(complaintEvent('c3', h(4)), 'initech'),
    ];
    const expected = deriveState(events, { ...TENANT, maxTenantsPerAddress: 2 });
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length }), (shuffled) => {
        expect(deriveState(shuffled, { ...TENANT, maxTenantsPerAddress: 2 })).toEqual(expected);
      }),
    );
    expect(Object.keys(expected.tenants ?? {})).toEqual(['globex', 'initech']);
  });
});

describe('policy key suppressionScope', () => {
  it('resolves "tenant" and a tenant cap', () => {
    expect(resolvePolicyConfig({ suppressionScope: 'tenant', maxTenantsPerAddress: 5 }).state).toMatchObject({
      suppressionScope: 'tenant',
      maxTenantsPerAddress: 5,
    });
  });

  it('refuses an unknown scope, naming it', () => {
    expect(() => resolvePolicyConfig({ suppressionScope: 'customer' })).toThrow(PolicyConfigError);
    expect(() => resolvePolicyConfig({ suppressionScope: 'customer' })).toThrow(
      /suppressionScope.*customer/s,
    );
  });
});

import * as z from 'zod';
import type { AddressEvent, BounceEvent } from './events';
import { describeZodError } from './notification';
import { PROVIDERS, type Provider } from './providers';

/**
 * Sending-reputation arithmetic: hourly counters per SES identity, and bounce/complaint rates and
 * levels over sliding windows. Pure: the caller passes the clock and the counters.
 */

/** What one identity-hour adds up to (what the processor adds per batch, and what hygiene reads). */
export interface HourlyCounts {
  identity: string;
  /** UTC hour bucket `yyyy-mm-ddThh` of the events' own times. */
  hour: string;
  sends: number;
  deliveries: number;
  permanentBounces: number;
  transientBounces: number;
  complaints: number;
  /** Sender-side failures (our authentication, reputation, blocklists …) by reason. */
  senderSide: Record<string, number>;
  /** The same outcomes by the recipient's mailbox provider (./providers); absent: none attributed. */
  providers?: Partial<Record<Provider, ProviderCounts>>;
}

/**
 * One identity-hour's outcomes at one mailbox provider. No sends: a Send event names only the
 * recipient's domain, and a hosted domain's provider is known only from the receiver's reply.
 */
export interface ProviderCounts {
  deliveries: number;
  permanentBounces: number;
  transientBounces: number;
  complaints: number;
  senderSide: Record<string, number>;
}

/**
 * One tenant-hour's counts (an SES tenant, `mail.tags["ses:tenant-name"]`): the same figures as an
 * identity-hour, without providers. Kept apart from the identity-hour item: a platform may have
 * thousands of tenants (see DynamoDbRateCounters).
 */
export type TenantHourlyCounts = Omit<HourlyCounts, 'identity' | 'providers'> & { tenant: string };

/**
 * Bounce subtypes SES makes up itself without trying the receiver: the address is on the account's
 * suppression list (`OnAccountSuppressionList`), or Auto Validation refused it (`EmailValidationSuppressed`).
 * SES does not count them in its bounce rate, so no rate here counts them either (account, identity,
 * tenant, provider); what they do to the address is the policy's business, not the rates'.
 */
export const SES_SYNTHESIZED_BOUNCE_SUBTYPES: readonly string[] = [
  'OnAccountSuppressionList',
  'EmailValidationSuppressed',
];
const SYNTHESIZED = new Set(SES_SYNTHESIZED_BOUNCE_SUBTYPES.map((s) => s.toLowerCase()));

/** A bounce SES synthesized without trying the receiver (see SES_SYNTHESIZED_BOUNCE_SUBTYPES). */
export const isSesSynthesizedBounce = (event: Pick<BounceEvent, 'bounceSubType'>): boolean =>
  SYNTHESIZED.has(event.bounceSubType.toLowerCase());

const emptyProvider = (): ProviderCounts => ({
  deliveries: 0,
  permanentBounces: 0,
  transientBounces: 0,
  complaints: 0,
  senderSide: {},
});

export const hourOf = (iso: string) => iso.slice(0, 13);

const empty = (identity: string, hour: string): HourlyCounts => ({
  identity,
  hour,
  sends: 0,
  deliveries: 0,
  permanentBounces: 0,
  transientBounces: 0,
  complaints: 0,
  senderSide: {},
});

/** Accumulates a batch's counts per identity-hour (and tenant-hour), so the store writes each bucket once per batch. */
export class HourlyTally {
  private readonly buckets = new Map<string, HourlyCounts>();
  private readonly tenants = new Map<string, TenantHourlyCounts>();

  private tenantBucket(tenant: string, at: string): TenantHourlyCounts {
    const hour = hourOf(at);
    const key = `${tenant}|${hour}`;
    let bucket = this.tenants.get(key);
    if (!bucket) {
      const { identity: _none, ...counts } = empty('', hour);
      bucket = { tenant, ...counts };
      this.tenants.set(key, bucket);
    }
    return bucket;
  }

  /** The identity-hour bucket, plus the tenant-hour one when the event names a tenant. */
  private targets(identity: string, at: string, tenant: string | undefined) {
    const bucket = this.bucket(identity, at);
    const all: Omit<HourlyCounts, 'identity'>[] = [bucket];
    if (tenant !== undefined) all.push(this.tenantBucket(tenant, at));
    return { bucket, all };
  }

  private bucket(identity: string, at: string): HourlyCounts {
    const hour = hourOf(at);
    const key = `${identity}|${hour}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = empty(identity, hour);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** A Send event: one send per destination address, as SES counts them (for its tenant too, if any). */
  addSend(identity: string, at: string, recipients: number, tenant?: string): void {
    for (const bucket of this.targets(identity, at, tenant).all) bucket.sends += recipients;
  }

  /** The provider's counts in an identity-hour bucket, created on first use. */
  private atProvider(bucket: HourlyCounts, provider: Provider | undefined): ProviderCounts | undefined {
    if (provider === undefined) return undefined;
    bucket.providers ??= {};
    let counts = bucket.providers[provider];
    if (!counts) {
      counts = emptyProvider();
      bucket.providers[provider] = counts;
    }
    return counts;
  }

  /**
   * Events that were new to the store (duplicates must not be counted again); `providerOf` names the
   * mailbox provider of each (see ./providers), for the per-provider counts.
   */
  addEvents(
    events: readonly AddressEvent[],
    providerOf: (event: AddressEvent) => Provider | undefined = () => undefined,
  ): void {
    for (const event of events) {
      switch (event.type) {
        case 'bounce': {
          // SES refused these itself (its account list, Auto Validation): no receiver saw them, and
          // SES leaves them out of its bounce rate; so does every rate here.
          if (isSesSynthesizedBounce(event)) break;
          const { bucket, all } = this.targets(event.identity, event.at, event.tenant);
          const { party, reason } = event.classification;
          // SES's global suppression list: the receiver never saw these either (no provider).
          const at = reason === 'suppressed' ? undefined : this.atProvider(bucket, providerOf(event));
          for (const counts of at ? [...all, at] : all) {
            if (event.bounceType === 'Permanent') counts.permanentBounces++;
            else counts.transientBounces++;
            if (party === 'sender') counts.senderSide[reason] = (counts.senderSide[reason] ?? 0) + 1;
          }
          break;
        }
        case 'complaint':
          if (event.feedbackType !== 'not-spam') {
            const { bucket, all } = this.targets(event.identity, event.at, event.tenant);
            for (const counts of all) counts.complaints++;
            const at = this.atProvider(bucket, providerOf(event));
            if (at) at.complaints++;
          }
          break;
        case 'delivery': {
          const { bucket, all } = this.targets(event.identity, event.at, event.tenant);
          for (const counts of all) counts.deliveries++;
          const at = this.atProvider(bucket, providerOf(event));
          if (at) at.deliveries++;
          break;
        }
        case 'manual':
          break;
        default:
          event satisfies never;
      }
    }
  }

  counts(): HourlyCounts[] {
    return [...this.buckets.values()];
  }

  /** The tenant-hour buckets (events and sends that named a tenant). */
  tenantCounts(): TenantHourlyCounts[] {
    return [...this.tenants.values()];
  }
}

export const LEVELS = ['ok', 'warning', 'critical', 'low-volume'] as const;
export type Level = (typeof LEVELS)[number];

/** SES reviews an account at 5 % bounces / 0.1 % complaints; investigate from 2 % (AWS guidance). */
export interface Thresholds {
  /** @default 0.02 */
  bounceWarning: number;
  /** @default 0.05 */
  bounceCritical: number;
  /** @default 0.0008 */
  complaintWarning: number;
  /** @default 0.001 */
  complaintCritical: number;
  /** Below this many sends in the window the rates say too little to act on. @default 200 */
  minimumVolume: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
  bounceWarning: 0.02,
  bounceCritical: 0.05,
  complaintWarning: 0.0008,
  complaintCritical: 0.001,
  minimumVolume: 200,
});

export interface RateRow {
  identity: string;
  sent: number;
  bounces: number;
  complaints: number;
  bounceRate: number;
  complaintRate: number;
  level: Level;
  senderSide: Record<string, number>;
}

/** A provider's rates: the same fields and levels as an identity's. */
export type ProviderRow = Omit<RateRow, 'identity'> & { provider: Provider };

/** A tenant's rates: the same fields, rules and levels as an identity's. */
export type TenantRow = Omit<RateRow, 'identity'> & { tenant: string };

export interface WindowReport {
  window: { name: string; from: string; to: string };
  account: Omit<RateRow, 'identity'>;
  identities: RateRow[];
  /**
   * Per mailbox provider, in PROVIDERS order, those with any outcome in the window. `sent` =
   * deliveries + bounces there (Send events cannot be attributed to a provider).
   */
  providers: ProviderRow[];
  /** Per SES tenant with any count in the window, by name; `sent` as for identities. */
  tenants: TenantRow[];
}

export function levelOf(sent: number, bounceRate: number, complaintRate: number, t: Thresholds): Level {
  if (sent < t.minimumVolume) return 'low-volume';
  if (bounceRate >= t.bounceCritical || complaintRate >= t.complaintCritical) return 'critical';
  if (bounceRate >= t.bounceWarning || complaintRate >= t.complaintWarning) return 'warning';
  return 'ok';
}

function sum(counts: readonly Omit<HourlyCounts, 'identity'>[]) {
  const total = empty('', '');
  for (const c of counts) {
    total.sends += c.sends;
    total.deliveries += c.deliveries;
    total.permanentBounces += c.permanentBounces;
    total.transientBounces += c.transientBounces;
    total.complaints += c.complaints;
    for (const [reason, n] of Object.entries(c.senderSide))
      total.senderSide[reason] = (total.senderSide[reason] ?? 0) + n;
  }
  return total;
}

/** Rates as SES computes them: permanent bounces (and complaints) over messages sent. */
function rateRow(
  counts: readonly Omit<HourlyCounts, 'identity'>[],
  t: Thresholds,
): Omit<RateRow, 'identity'> {
  const total = sum(counts);
  // Every delivered or bounced message was sent, so where Send events are published they are the
  // larger figure; where they are not (identity notifications), deliveries + bounces stand in.
  const sent = Math.max(total.sends, total.deliveries + total.permanentBounces + total.transientBounces);
  return finish(sent, total.permanentBounces, total.complaints, total.senderSide, t);
}

function finish(
  sent: number,
  bounces: number,
  complaints: number,
  senderSide: Record<string, number>,
  t: Thresholds,
): Omit<RateRow, 'identity'> {
  const bounceRate = sent > 0 ? bounces / sent : 0;
  const complaintRate = sent > 0 ? complaints / sent : 0;
  return {
    sent,
    bounces,
    complaints,
    bounceRate: round(bounceRate),
    complaintRate: round(complaintRate),
    level: levelOf(sent, bounceRate, complaintRate, t),
    senderSide,
  };
}

/** The account is the sum of its identities (each with its own idea of `sent`). */
function accountRow(rows: readonly Omit<RateRow, 'identity'>[], t: Thresholds): Omit<RateRow, 'identity'> {
  const senderSide: Record<string, number> = {};
  for (const row of rows) {
    for (const [reason, n] of Object.entries(row.senderSide))
      senderSide[reason] = (senderSide[reason] ?? 0) + n;
  }
  const total = (key: 'sent' | 'bounces' | 'complaints') => rows.reduce((n, row) => n + row[key], 0);
  return finish(total('sent'), total('bounces'), total('complaints'), senderSide, t);
}

const round = (rate: number) => Math.round(rate * 1e6) / 1e6;

/** The hours `[from, to)` of a window ending at `now`, as hour buckets. */
export function windowOf(name: string, hours: number, now: Date) {
  const to = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  const from = new Date(to.getTime() - hours * 3_600_000);
  return { name, from: from.toISOString(), to: to.toISOString() };
}

/** Bounce and complaint rates per identity, per tenant and for the account over one window. */
export function rateReport(
  counts: readonly HourlyCounts[],
  window: { name: string; from: string; to: string },
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
  tenantCounts: readonly TenantHourlyCounts[] = [],
): WindowReport {
  const fromHour = hourOf(window.from);
  const toHour = hourOf(window.to);
  const inWindow = counts.filter((c) => c.hour >= fromHour && c.hour < toHour);
  const byIdentity = new Map<string, HourlyCounts[]>();
  for (const c of inWindow) byIdentity.set(c.identity, [...(byIdentity.get(c.identity) ?? []), c]);
  const identities = [...byIdentity.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([identity, list]) => ({ identity, ...rateRow(list, thresholds) }));
  return {
    window,
    account: accountRow(identities, thresholds),
    identities,
    providers: providerRows(inWindow, thresholds),
    tenants: tenantRows(
      tenantCounts.filter((c) => c.hour >= fromHour && c.hour < toHour),
      thresholds,
    ),
  };
}

function tenantRows(counts: readonly TenantHourlyCounts[], t: Thresholds): TenantRow[] {
  const byTenant = new Map<string, TenantHourlyCounts[]>();
  for (const c of counts) {
    const list = byTenant.get(c.tenant);
    if (list) list.push(c);
    else byTenant.set(c.tenant, [c]);
  }
  return [...byTenant.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([tenant, list]) => ({ tenant, ...rateRow(list, t) }));
}

function providerRows(counts: readonly HourlyCounts[], t: Thresholds): ProviderRow[] {
  const totals = new Map<Provider, ProviderCounts>();
  for (const c of counts) {
    for (const [provider, p] of Object.entries(c.providers ?? {}) as [Provider, ProviderCounts][]) {
      const total = totals.get(provider) ?? emptyProvider();
      total.deliveries += p.deliveries;
      total.permanentBounces += p.permanentBounces;
      total.transientBounces += p.transientBounces;
      total.complaints += p.complaints;
      for (const [reason, n] of Object.entries(p.senderSide))
        total.senderSide[reason] = (total.senderSide[reason] ?? 0) + n;
      totals.set(provider, total);
    }
  }
  return PROVIDERS.flatMap((provider) => {
    const total = totals.get(provider);
    if (!total) return [];
    const sent = total.deliveries + total.permanentBounces + total.transientBounces;
    return [{ provider, ...finish(sent, total.permanentBounces, total.complaints, total.senderSide, t) }];
  });
}

// Rates are fractions, as SES reports them: an operator who writes 5 for 5 % is told so.
const RATE_ERROR = 'expected a rate as a fraction from 0 to 1 (0.05 = 5 %)';
const rate = z.number({ error: RATE_ERROR }).min(0, { error: RATE_ERROR }).max(1, { error: RATE_ERROR });
export const ThresholdsSchema = z.strictObject({
  bounceWarning: rate.optional(),
  bounceCritical: rate.optional(),
  complaintWarning: rate.optional(),
  complaintCritical: rate.optional(),
  minimumVolume: z.number().int().min(0).optional(),
});

/** Thresholds from config (rates as fractions: 0.05 = 5 %), defaults for what is not given. */
export function resolveThresholds(input: unknown, where = 'thresholds'): Thresholds {
  const parsed = ThresholdsSchema.safeParse(input ?? {});
  if (!parsed.success) throw new Error(describeZodError(parsed.error, input, where));
  const t = { ...DEFAULT_THRESHOLDS };
  for (const [key, value] of Object.entries(parsed.data))
    if (value !== undefined) t[key as keyof Thresholds] = value;
  if (t.bounceWarning > t.bounceCritical || t.complaintWarning > t.complaintCritical) {
    throw new Error(`invalid ${where}: a warning threshold is above its critical one: ${JSON.stringify(t)}`);
  }
  return t;
}

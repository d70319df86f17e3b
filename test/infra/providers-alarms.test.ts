import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALARMED_PROVIDERS, RUNBOOK_URL } from '../../infra/constructs/monitoring';
import { type SynthesizedStack, synthesize } from './helpers';

interface AlarmProps {
  AlarmDescription: string;
  Threshold: number;
  Period?: number;
  Statistic?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: {
    Id: string;
    Expression?: string;
    MetricStat?: { Metric: { MetricName: string; Dimensions?: { Name: string; Value: unknown }[] } };
  }[];
}

const alarmsOf = (template: Template) =>
  Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(
    ([id, resource]) => [id, resource.Properties as AlarmProps] as const,
  );
const only = (template: Template, idPart: string) => {
  const found = alarmsOf(template).filter(([id]) => id.includes(idPart));
  expect(
    found.map(([id]) => id),
    idPart,
  ).toHaveLength(1);
  return (found[0] as readonly [string, AlarmProps])[1];
};

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
const operateAnchors = () =>
  new Set(
    readFileSync(new URL('../../docs/operate.md', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slug(line.replace(/^#+ /, ''))),
  );

describe('per-provider alarms', () => {
  let synth: SynthesizedStack;
  beforeAll(() => {
    synth = synthesize({ providerSenderSideAlarmThreshold: 7, thresholds: { minimumVolume: 300 } });
  });
  afterAll(() => synth.cleanup());

  it('pages on sender-side failures at each named provider within an hour, at the configured threshold', () => {
    for (const provider of ALARMED_PROVIDERS) {
      const id = provider.charAt(0).toUpperCase() + provider.slice(1);
      expect(only(synth.template, `ProviderSenderSideFailures${id}`), provider).toMatchObject({
        MetricName: 'SenderSideFailures',
        Statistic: 'Sum',
        Period: 3600,
        Threshold: 7,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 1,
        Dimensions: expect.arrayContaining([{ Name: 'Provider', Value: provider }]),
      });
    }
    expect(alarmsOf(synth.template).filter(([id]) => /Provider\w*Other/.test(id))).toEqual([]);
  });

  it('alarms on a provider’s bounce rate at the critical level and its complaint rate at its own limit', () => {
    const google = only(synth.template, 'ProviderComplaintRateGoogle');
    expect(google.Threshold).toBeCloseTo(0.3); // Gmail's 0.3 % for bulk senders
    expect(google.Metrics?.find((m) => m.Expression)?.Expression).toBe('IF(sent >= 300, rate, 0)');
    expect(google.Metrics?.find((m) => m.Id === 'rate')?.MetricStat?.Metric.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'Provider', Value: 'google' },
        { Name: 'Window', Value: '24h' },
      ]),
    );
    expect(only(synth.template, 'ProviderComplaintRateYahoo').Threshold).toBeCloseTo(0.3);
    expect(only(synth.template, 'ProviderComplaintRateMicrosoft').Threshold).toBeCloseTo(0.1);
    expect(only(synth.template, 'ProviderBounceRateMicrosoft').Threshold).toBeCloseTo(5);
  });

  it('draws the provider view on the dashboard', () => {
    const body = JSON.stringify(
      Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties,
    );
    for (const title of [
      'Bounce rate per mailbox provider',
      'Complaint rate per mailbox provider',
      'Sender-side failures per mailbox provider',
    ])
      expect(body).toContain(title);
  });
});

describe('every alarm’s description is a runbook entry', () => {
  let synth: SynthesizedStack;
  beforeAll(() => {
    // Every optional alarm on: identities, the sync and its schedule, the EventBridge rules' DLQ, tenants.
    synth = synthesize({
      sesIdentities: ['mail.example.com'],
      sesSyncMode: 'both',
      ingest: 'both',
      tenants: ['acme'],
    });
  });
  afterAll(() => synth.cleanup());

  it('says what it measures, the likely causes, three first checks, and links an existing runbook anchor', () => {
    const anchors = operateAnchors();
    const alarms = alarmsOf(synth.template);
    expect(alarms.length).toBeGreaterThan(40);
    const escaped = RUNBOOK_URL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const [id, { AlarmDescription: text }] of alarms) {
      expect(text, id).toMatch(
        new RegExp(
          `^.{20,} Likely causes: .{10,} First: 1\\) .{5,} 2\\) .{5,} 3\\) .{5,} Runbook: ${escaped}#[a-z0-9-]+$`,
        ),
      );
      expect(text.length, id).toBeLessThanOrEqual(1024);
      const anchor = /#([a-z0-9-]+)$/.exec(text)?.[1] ?? '';
      expect(anchors.has(anchor), `${id}: docs/operate.md has no heading for #${anchor}`).toBe(true);
    }
  });
});

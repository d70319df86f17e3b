import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config';
import { TENANT_BRAKE_ACTIONS } from '../../infra/constructs/hygiene';
import {
  actionsOf,
  onlyProperties,
  type PolicyStatement,
  type SynthesizedStack,
  synthesize,
} from './helpers';

interface Alarm {
  AlarmDescription: string;
  Threshold: number;
  MetricName?: string;
  Dimensions?: { Name: string; Value: string }[];
}

const alarms = (template: Template) =>
  Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(
    ([id, r]) => [id, r.Properties as Alarm] as const,
  );
const dims = (alarm: Alarm) => Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name, d.Value]));

describe('settings: tenants', () => {
  it('takes a list of SES tenant names (JSON array or comma-separated) and refuses a bad one, naming it', () => {
    expect(loadConfig({ tenants: 'acme, globex_2' }).tenants).toEqual(['acme', 'globex_2']);
    expect(() => loadConfig({ tenants: ['acme', 'no spaces'] })).toThrow(
      /config "tenants": expected a list of SES tenant names .*not valid: "no spaces"/,
    );
    expect(() => loadConfig({ tenants: ['x'.repeat(65)] })).toThrow(/not valid: "x{65}"/);
  });

  it('refuses a brake tenant that is not in tenants, naming both', () => {
    expect(() =>
      loadConfig({ tenants: ['acme'], emergencyBrake: { enabled: true, tenants: ['acme', 'globex'] } }),
    ).toThrow(/config "emergencyBrake": tenants names "globex", not in tenants \(\["acme"\]\)/);
  });
});

describe('a stack with tenants and the tenant brake', () => {
  let synth: SynthesizedStack;
  beforeAll(() => {
    synth = synthesize(
      { tenants: ['acme', 'globex'], emergencyBrake: { enabled: true, tenants: ['acme'] } },
      { nag: true },
    );
  });
  afterAll(() => synth?.cleanup());

  it('gives each configured tenant a warning (Level ≥ 1) and a critical (Level ≥ 2) alarm naming it, and the others one shared pair', () => {
    const levels = alarms(synth.template)
      .filter(([, a]) => a.MetricName === 'Level' && dims(a).Tenant !== undefined)
      .map(([, a]) => [dims(a).Tenant, dims(a).Window, a.Threshold, a.AlarmDescription.split(':')[0]]);
    expect(levels.sort()).toEqual([
      ['acme', '24h', 1, 'Warning'],
      ['acme', '24h', 2, 'CRITICAL'],
      ['globex', '24h', 1, 'Warning'],
      ['globex', '24h', 2, 'CRITICAL'],
    ]);
    for (const [, a] of alarms(synth.template).filter(([, a]) => dims(a).Tenant === 'globex'))
      expect(a.AlarmDescription).toContain('SES tenant globex');
    const unlisted = alarms(synth.template)
      .filter(([, a]) => a.MetricName?.startsWith('UnlistedTenantMax'))
      .map(([, a]) => [a.MetricName, dims(a).Window, a.Threshold]);
    expect(unlisted.sort()).toEqual([
      ['UnlistedTenantMaxBounceRate', '24h', 5],
      ['UnlistedTenantMaxComplaintRate', '24h', 0.1],
    ]);
  });

  it('tells the hygiene function its tenants, and lets it read and disable only the brake tenants, by name', () => {
    const env = (
      onlyProperties(synth.template, 'AWS::Lambda::Function', 'Hygiene') as {
        Environment: { Variables: Record<string, string> };
      }
    ).Environment.Variables;
    expect(JSON.parse(env.TENANTS as string)).toEqual(['acme', 'globex']);
    expect(JSON.parse(env.EMERGENCY_BRAKE as string).tenants).toEqual(['acme']);
    const statements = Object.entries(synth.template.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('Hygiene'))
      .flatMap(
        ([, p]) =>
          (p.Properties as { PolicyDocument: { Statement: PolicyStatement[] } }).PolicyDocument.Statement,
      );
    const tenant = statements.filter((s) =>
      actionsOf(s).some((a) => a.includes('Tenant') || a.includes('Reputation')),
    );
    expect(tenant).toHaveLength(1);
    expect(actionsOf(tenant[0] as PolicyStatement).sort()).toEqual([...TENANT_BRAKE_ACTIONS].sort());
    expect(JSON.stringify(tenant[0]?.Resource)).toMatch(/:tenant\/acme\/\*"/);
    expect(JSON.stringify(tenant[0]?.Resource)).not.toContain('globex');
  });

  it('draws the per-tenant dashboard: each tenant, the worst unlisted one, and the worst of all', () => {
    const body = JSON.stringify(onlyProperties(synth.template, 'AWS::CloudWatch::Dashboard').DashboardBody);
    expect(body).toContain('Bounce rate per SES tenant (24 h window, %)');
    expect(body).toContain('MAX([IF(bs0 >= 200, br0, 0), IF(bs1 >= 200, br1, 0), bu])');
    expect(body).toContain('tenant globex');
    expect(body).toContain('worst unlisted tenant');
  });
});

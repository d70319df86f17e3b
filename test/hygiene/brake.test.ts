import { Logger } from '@aws-lambda-powertools/logger';
import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetReputationEntityCommand,
  GetTenantCommand,
  NotFoundException,
  PutAccountSendingAttributesCommand,
  PutConfigurationSetSendingOptionsCommand,
  SESv2Client,
  TooManyRequestsException,
  UpdateReputationEntityCustomerManagedStatusCommand,
} from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  applyBrake,
  type BrakeDependencies,
  type BrakeLogger,
  EmergencyBrakeError,
} from '../../functions/hygiene/brake';
import { SesSendingControl } from '../../shared/adapters/ses/sending-control';
import { MAX_SUBJECT_LENGTH, SnsOnCallNotifier, snsSubject } from '../../shared/adapters/sns/on-call';
import { hashAddress } from '../../shared/core/address';
import {
  type BrakeConfig,
  BrakeConfigError,
  type BrakeConfigInput,
  DEFAULT_BRAKE_CONFIG,
  describeBrakeOutcome,
  formatPercent,
  planBrake,
  resolveBrakeConfig,
} from '../../shared/core/brake';
import {
  type HourlyCounts,
  rateReport,
  type TenantHourlyCounts,
  type WindowReport,
  windowOf,
} from '../../shared/core/rates';

const sesMock = mockClient(SESv2Client);
const snsMock = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:on-call';

beforeEach(() => {
  sesMock.reset();
  snsMock.reset();
  // By default every configuration set and the account are sending, and every call succeeds.
  sesMock.on(GetConfigurationSetCommand).resolves({});
  sesMock.on(GetAccountCommand).resolves({ SendingEnabled: true });
  sesMock.on(PutConfigurationSetSendingOptionsCommand).resolves({});
  sesMock.on(PutAccountSendingAttributesCommand).resolves({});
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

const NOW = new Date('2026-11-20T12:30:00Z');
const WINDOW = windowOf('24h', 24, NOW);

/** One hour of counters for an identity, inside the 24 h window. */
const hour = (
  identity: string,
  { sends, bounces = 0, complaints = 0 }: { sends: number; bounces?: number; complaints?: number },
): HourlyCounts => ({
  identity,
  hour: '2026-11-20T10',
  sends,
  deliveries: sends - bounces,
  permanentBounces: bounces,
  transientBounces: 0,
  complaints,
  senderSide: {},
});

// 305 / 5000 = 6.1 % bounces, 1 / 5000 = 0.02 % complaints: critical (bounce ≥ 5 %).
const CRITICAL = { sends: 5000, bounces: 305, complaints: 1 };
const WARNING = { sends: 5000, bounces: 150 }; // 3 %
const OK = { sends: 5000, bounces: 10 }; // 0.2 %
const LOW_VOLUME = { sends: 100, bounces: 50 }; // 50 %, but fewer than 200 sent

const report = (...counts: HourlyCounts[]): WindowReport => rateReport(counts, WINDOW);

const config = (input: BrakeConfigInput): BrakeConfig => resolveBrakeConfig(input, 'EMERGENCY_BRAKE');
const ENABLED = config({
  enabled: true,
  configurationSets: {
    'example.com': ['marketing', 'newsletter'],
    'quiet.example.org': ['quiet'],
  },
});

function deps(logger?: BrakeLogger): BrakeDependencies {
  return {
    control: new SesSendingControl(new SESv2Client({ region: 'eu-west-1' })),
    notifier: new SnsOnCallNotifier(new SNSClient({ region: 'eu-west-1' }), TOPIC),
    ...(logger ? { logger } : {}),
  };
}

const inputs = (mock: typeof sesMock | typeof snsMock, command: Parameters<typeof sesMock.commandCalls>[0]) =>
  (mock as typeof sesMock).commandCalls(command).map((call) => call.args[0].input as Record<string, unknown>);
const publishes = () =>
  snsMock
    .commandCalls(PublishCommand)
    .map((call) => call.args[0].input as { TopicArn?: string; Subject?: string; Message?: string });

describe('brake config', () => {
  it('defaults to off: nothing mapped, never the account', () => {
    expect(resolveBrakeConfig(undefined, 'EMERGENCY_BRAKE')).toEqual(DEFAULT_BRAKE_CONFIG);
    expect(resolveBrakeConfig({}, 'EMERGENCY_BRAKE')).toEqual({
      enabled: false,
      configurationSets: {},
      pauseAccount: false,
      tenants: [],
    });
    expect(resolveBrakeConfig('', 'EMERGENCY_BRAKE')).toEqual(DEFAULT_BRAKE_CONFIG);
  });

  it('accepts the config as an object or as JSON text (the Lambda env var)', () => {
    const value = {
      enabled: true,
      configurationSets: { 'example.com': ['marketing'], 'noreply@example.org': ['tx_1'] },
      pauseAccount: true,
      tenants: ['acme_1', 'globex-2'],
    };
    expect(resolveBrakeConfig(value, 'emergencyBrake')).toEqual(value);
    expect(resolveBrakeConfig(JSON.stringify(value), 'EMERGENCY_BRAKE')).toEqual(value);
  });

  it.each([
    [
      { configurationSets: { 'example.com': ['bad name'] } },
      'EMERGENCY_BRAKE.configurationSets["example.com"][0]: expected a configuration set name (letters, digits, _ or -; at most 64), got "bad name"',
    ],
    [
      { configurationSets: { 'example.com': ['ok', 'x'.repeat(65)] } },
      `EMERGENCY_BRAKE.configurationSets["example.com"][1]: expected a configuration set name (letters, digits, _ or -; at most 64), got "${'x'.repeat(65)}"`,
    ],
    [
      { configurationSets: { 'arn:aws:ses:eu-west-1:1:identity/example.com': ['main'] } },
      'EMERGENCY_BRAKE.configurationSets["arn:aws:ses:eu-west-1:1:identity/example.com"]: expected an SES identity name (a domain or an email address, not an ARN), got "arn:aws:ses:eu-west-1:1:identity/example.com"',
    ],
    [
      { configurationSets: { 'example.com': 'main' } },
      'EMERGENCY_BRAKE.configurationSets["example.com"]: expected a list of configuration set names, got "main"',
    ],
    [
      { configurationSets: { 'example.com': [] } },
      'EMERGENCY_BRAKE.configurationSets["example.com"]: expected at least one configuration set name, got []',
    ],
    [
      { configurationSets: { 'example.com': ['main', 'main'] } },
      'EMERGENCY_BRAKE.configurationSets["example.com"][1]: configuration set repeated, got "main"',
    ],
    [
      { configurationSets: { 'example.com': ['a'], 'Example.com': ['b'] } },
      'EMERGENCY_BRAKE.configurationSets["Example.com"]: identity given twice',
    ],
    [{ enabled: 'yes' }, 'EMERGENCY_BRAKE.enabled: expected true or false, got "yes"'],
    [{ pauseAccount: 1 }, 'EMERGENCY_BRAKE.pauseAccount: expected true or false, got 1'],
    [
      { enabled: true, pauseAcount: true },
      'EMERGENCY_BRAKE: unknown key "pauseAcount" (expected enabled, configurationSets, pauseAccount, tenants)',
    ],
    [
      { enabled: true },
      'EMERGENCY_BRAKE.configurationSets: the brake is enabled but has nothing to pause: map identities to their configuration sets (or list tenants, or set pauseAccount: true), got {}',
    ],
    [
      { enabled: true, tenants: ['acme', 'bad name'] },
      'EMERGENCY_BRAKE.tenants[1]: expected an SES tenant name (letters, digits, _ or -; at most 64), got "bad name"',
    ],
    [{ tenants: ['acme', 'acme'] }, 'EMERGENCY_BRAKE.tenants[1]: tenant repeated, got "acme"'],
    ['{"enabled": tru', 'EMERGENCY_BRAKE is not JSON ('],
  ])('refuses %j, naming the key and the value', (input, message) => {
    expect(() => resolveBrakeConfig(input, 'EMERGENCY_BRAKE')).toThrow(BrakeConfigError);
    expect(() => resolveBrakeConfig(input, 'EMERGENCY_BRAKE')).toThrow(message);
  });
});

describe('planBrake (pure)', () => {
  it('plans nothing when disabled, even with a critical identity and the account critical', () => {
    const disabled = { ...ENABLED, enabled: false, pauseAccount: true };
    expect(planBrake(report(hour('example.com', CRITICAL)), disabled)).toEqual([]);
  });

  it('pauses each set mapped to a critical identity, with the why', () => {
    const r = report(hour('example.com', CRITICAL), hour('quiet.example.org', OK));
    expect(r.identities.map((row) => row.level)).toEqual(['critical', 'ok']);
    const why = {
      identity: 'example.com',
      sent: 5000,
      bounceRate: 0.061,
      complaintRate: 0.0002,
      window: '24h',
    };
    expect(planBrake(r, ENABLED)).toEqual([
      { kind: 'pause-configuration-set', configurationSet: 'marketing', reasons: [why] },
      { kind: 'pause-configuration-set', configurationSet: 'newsletter', reasons: [why] },
    ]);
  });

  it.each([
    ['warning', WARNING],
    ['ok', OK],
    ['low-volume', LOW_VOLUME],
  ] as const)('never brakes a %s identity', (level, counts) => {
    const r = report(hour('example.com', counts));
    expect(r.identities[0]?.level).toBe(level);
    expect(planBrake(r, { ...ENABLED, pauseAccount: true })).toEqual([]);
  });

  it('ignores critical identities with no mapped set, matches identities case-insensitively, plans a shared set once', () => {
    const shared = config({
      enabled: true,
      configurationSets: { 'Example.COM': ['shared'], 'b.example.com': ['shared', 'b-only'] },
    });
    const r = report(
      hour('example.com', CRITICAL),
      hour('b.example.com', CRITICAL),
      hour('unmapped.example', CRITICAL),
    );
    const plan = planBrake(r, shared);
    expect(plan.map((a) => (a.kind === 'pause-configuration-set' ? a.configurationSet : a.kind))).toEqual([
      'shared',
      'b-only',
    ]);
    expect(plan[0]?.reasons.map((why) => why.identity)).toEqual(['b.example.com', 'example.com']);
  });

  it('pauses the account only when the account is critical and pauseAccount is set', () => {
    const r = report(hour('unmapped.example', CRITICAL));
    expect(r.account.level).toBe('critical');
    expect(planBrake(r, ENABLED)).toEqual([]);
    expect(planBrake(r, { ...ENABLED, pauseAccount: true })).toEqual([
      {
        kind: 'pause-account',
        reasons: [{ sent: 5000, bounceRate: 0.061, complaintRate: 0.0002, window: '24h' }],
      },
    ]);
    // One critical identity among healthy ones: the account as a whole is not critical.
    const diluted = report(hour('example.com', CRITICAL), hour('big.example', { sends: 100_000 }));
    expect(diluted.account.level).toBe('ok');
    expect(planBrake(diluted, { ...ENABLED, pauseAccount: true }).map((a) => a.kind)).toEqual([
      'pause-configuration-set',
      'pause-configuration-set',
    ]);
  });

  it('formats the action line for people', () => {
    const [action] = planBrake(report(hour('example.com', CRITICAL)), ENABLED);
    if (!action) throw new Error('expected an action');
    expect(describeBrakeOutcome({ status: 'paused', action })).toBe(
      'paused configuration set "marketing" (identity example.com critical: bounce 6.1 %, complaint 0.02 % over 24h)',
    );
    expect(formatPercent(0.05)).toBe('5 %');
    expect(formatPercent(0.1234)).toBe('12.3 %');
    expect(formatPercent(0.00123)).toBe('0.12 %');
    expect(formatPercent(0)).toBe('0 %');
  });
});

describe('applyBrake (SESv2 and SNS mocked)', () => {
  it('disabled: no SES call, no page, no action', async () => {
    const off = { ...ENABLED, enabled: false, pauseAccount: true };
    expect(await applyBrake(report(hour('example.com', CRITICAL)), off, deps())).toEqual([]);
    expect(sesMock.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });

  it('critical identity: pauses each mapped set and pages on-call once, listing them', async () => {
    const actions = await applyBrake(
      report(hour('example.com', CRITICAL), hour('quiet.example.org', OK)),
      ENABLED,
      deps(),
    );
    const why = '(identity example.com critical: bounce 6.1 %, complaint 0.02 % over 24h)';
    expect(actions).toEqual([
      `paused configuration set "marketing" ${why}`,
      `paused configuration set "newsletter" ${why}`,
    ]);
    expect(inputs(sesMock, GetConfigurationSetCommand)).toEqual([
      { ConfigurationSetName: 'marketing' },
      { ConfigurationSetName: 'newsletter' },
    ]);
    expect(inputs(sesMock, PutConfigurationSetSendingOptionsCommand)).toEqual([
      { ConfigurationSetName: 'marketing', SendingEnabled: false },
      { ConfigurationSetName: 'newsletter', SendingEnabled: false },
    ]);
    expect(sesMock.commandCalls(PutAccountSendingAttributesCommand)).toHaveLength(0);
    const [page, ...more] = publishes();
    expect(more).toHaveLength(0);
    expect(page?.TopicArn).toBe(TOPIC);
    expect(page?.Subject).toBe('SES emergency brake: paused 2 configuration sets');
    for (const line of actions) expect(page?.Message).toContain(`- ${line}`);
    expect(page?.Message).toContain(
      'aws sesv2 put-configuration-set-sending-options --configuration-set-name marketing --sending-enabled',
    );
  });

  it('already paused: no pause, no page, says so in the actions', async () => {
    sesMock.on(GetConfigurationSetCommand).resolves({ SendingOptions: { SendingEnabled: false } });
    const actions = await applyBrake(report(hour('example.com', CRITICAL)), ENABLED, deps());
    expect(actions).toEqual([
      expect.stringMatching(
        /^configuration set "marketing" already paused, left as is \(identity example\.com/,
      ),
      expect.stringMatching(/^configuration set "newsletter" already paused/),
    ]);
    expect(sesMock.commandCalls(PutConfigurationSetSendingOptionsCommand)).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });

  it('one set already paused, one not: pauses the other and the page lists both', async () => {
    sesMock
      .on(GetConfigurationSetCommand, { ConfigurationSetName: 'marketing' })
      .resolves({ SendingOptions: { SendingEnabled: false } });
    const actions = await applyBrake(report(hour('example.com', CRITICAL)), ENABLED, deps());
    expect(actions.map((line) => line.split(' (')[0])).toEqual([
      'configuration set "marketing" already paused, left as is',
      'paused configuration set "newsletter"',
    ]);
    expect(inputs(sesMock, PutConfigurationSetSendingOptionsCommand)).toEqual([
      { ConfigurationSetName: 'newsletter', SendingEnabled: false },
    ]);
    expect(publishes().map((p) => p.Subject)).toEqual(['SES emergency brake: paused 1 configuration set']);
    expect(publishes()[0]?.Message).toContain('"marketing" already paused');
  });

  it.each([
    ['warning', WARNING],
    ['ok', OK],
    ['low-volume', LOW_VOLUME],
  ] as const)('%s identity: nothing at all, even with pauseAccount', async (_level, counts) => {
    const actions = await applyBrake(
      report(hour('example.com', counts)),
      { ...ENABLED, pauseAccount: true },
      deps(),
    );
    expect(actions).toEqual([]);
    expect(sesMock.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });

  it('account critical, pauseAccount false: never touches the account', async () => {
    const r = report(hour('unmapped.example', CRITICAL));
    expect(r.account.level).toBe('critical');
    expect(await applyBrake(r, ENABLED, deps())).toEqual([]);
    expect(sesMock.commandCalls(GetAccountCommand)).toHaveLength(0);
    expect(sesMock.commandCalls(PutAccountSendingAttributesCommand)).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });

  it('account critical, pauseAccount true: pauses account sending and pages', async () => {
    const actions = await applyBrake(
      report(hour('example.com', CRITICAL)),
      { ...ENABLED, pauseAccount: true },
      deps(),
    );
    expect(actions.at(-1)).toBe(
      'paused account sending (account critical: bounce 6.1 %, complaint 0.02 % over 24h)',
    );
    expect(inputs(sesMock, PutAccountSendingAttributesCommand)).toEqual([{ SendingEnabled: false }]);
    expect(publishes().map((p) => p.Subject)).toEqual([
      'SES emergency brake: paused account sending, paused 2 configuration sets',
    ]);
    expect(publishes()[0]?.Message).toContain('aws sesv2 put-account-sending-attributes --sending-enabled');
  });

  it('account already paused: no second pause, no page', async () => {
    sesMock.on(GetAccountCommand).resolves({ SendingEnabled: false });
    const only = config({ enabled: true, pauseAccount: true });
    expect(await applyBrake(report(hour('example.com', CRITICAL)), only, deps())).toEqual([
      'account sending already paused, left as is (account critical: bounce 6.1 %, complaint 0.02 % over 24h)',
    ]);
    expect(sesMock.commandCalls(PutAccountSendingAttributesCommand)).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });

  it('a throttled pause: still tries the others, reports and pages the failure, then throws', async () => {
    sesMock
      .on(PutConfigurationSetSendingOptionsCommand, { ConfigurationSetName: 'marketing' })
      .rejects(new TooManyRequestsException({ message: 'Too many requests', $metadata: {} }));
    const errors: string[] = [];
    const logger: BrakeLogger = { info: () => {}, error: (_m, extra) => errors.push(String(extra?.action)) };
    const run = applyBrake(
      report(hour('example.com', CRITICAL)),
      { ...ENABLED, pauseAccount: true },
      deps(logger),
    );
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmergencyBrakeError);
    expect((error as Error).message).toMatch(
      /^emergency brake: FAILED to pause configuration set "marketing": TooManyRequestsException: Too many requests/,
    );
    const actions = (error as EmergencyBrakeError).actions;
    expect(actions.map((line) => line.split(' (')[0])).toEqual([
      'FAILED to pause configuration set "marketing": TooManyRequestsException: Too many requests',
      'paused configuration set "newsletter"',
      'paused account sending',
    ]);
    expect(
      inputs(sesMock, PutConfigurationSetSendingOptionsCommand).map((i) => i.ConfigurationSetName),
    ).toEqual(['marketing', 'newsletter']);
    expect(sesMock.commandCalls(PutAccountSendingAttributesCommand)).toHaveLength(1);
    const [page, ...more] = publishes();
    expect(more).toHaveLength(0);
    expect(page?.Subject).toBe(
      'SES emergency brake: paused account sending, paused 1 configuration set, 1 pause FAILED',
    );
    expect(page?.Message).toContain('- FAILED to pause configuration set "marketing"');
    expect(page?.Message).not.toContain('--configuration-set-name marketing');
    expect(errors).toEqual([actions[0]]);
  });

  it('a missing configuration set fails like any other pause', async () => {
    const missing = () =>
      new NotFoundException({ message: 'Configuration set <nope> does not exist.', $metadata: {} });
    sesMock.on(GetConfigurationSetCommand, { ConfigurationSetName: 'quiet' }).rejects(missing());
    sesMock
      .on(PutConfigurationSetSendingOptionsCommand, { ConfigurationSetName: 'quiet' })
      .rejects(missing());
    await expect(applyBrake(report(hour('quiet.example.org', CRITICAL)), ENABLED, deps())).rejects.toThrow(
      'FAILED to pause configuration set "quiet": NotFoundException: Configuration set <nope> does not exist. (the check before it failed too: NotFoundException',
    );
    expect(publishes()).toHaveLength(1);
  });

  it('a failed state check does not stop the pause (pausing twice is harmless); no throw', async () => {
    sesMock.on(GetConfigurationSetCommand).rejects(
      Object.assign(new Error('not authorized to perform ses:GetConfigurationSet'), {
        name: 'AccessDeniedException',
      }),
    );
    const actions = await applyBrake(report(hour('quiet.example.org', CRITICAL)), ENABLED, deps());
    expect(actions).toEqual([
      'paused configuration set "quiet" (identity quiet.example.org critical: bounce 6.1 %, complaint 0.02 % over 24h; its state could not be checked first: AccessDeniedException: not authorized to perform ses:GetConfigurationSet)',
    ]);
    expect(sesMock.commandCalls(PutConfigurationSetSendingOptionsCommand)).toHaveLength(1);
    expect(publishes()).toHaveLength(1);
  });

  it('a failed page: the pauses stand, the failure is in the actions, and it throws', async () => {
    snsMock.on(PublishCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: {} }));
    const error = await applyBrake(report(hour('quiet.example.org', CRITICAL)), ENABLED, deps()).then(
      () => undefined,
      (e: unknown) => e as EmergencyBrakeError,
    );
    expect(error).toBeInstanceOf(EmergencyBrakeError);
    expect(error?.actions).toEqual([
      expect.stringMatching(/^paused configuration set "quiet"/),
      'FAILED to notify on-call: ThrottledException: Rate exceeded',
    ]);
    expect(sesMock.commandCalls(PutConfigurationSetSendingOptionsCommand)).toHaveLength(1);
  });

  it('never shows an email identity: its domain and a hash instead, in actions, page and errors', async () => {
    const identity = 'alerts.team@example.net';
    const brake = config({ enabled: true, configurationSets: { [identity]: ['tx'] }, pauseAccount: true });
    sesMock
      .on(PutAccountSendingAttributesCommand)
      .rejects(Object.assign(new Error(`sending denied for ${identity}`), { name: 'BadRequestException' }));
    const error = await applyBrake(report(hour(identity, CRITICAL)), brake, deps()).then(
      () => undefined,
      (e: unknown) => e as EmergencyBrakeError,
    );
    expect(error).toBeInstanceOf(EmergencyBrakeError);
    const shown = `<addr:${hashAddress(identity)}>@example.net`;
    expect(error?.actions[0]).toBe(
      `paused configuration set "tx" (identity ${shown} critical: bounce 6.1 %, complaint 0.02 % over 24h)`,
    );
    const page = publishes()[0];
    const everything = [...(error?.actions ?? []), error?.message, page?.Subject, page?.Message].join('\n');
    expect(everything).toContain(shown);
    expect(everything).not.toContain('alerts.team');
  });

  it('takes a Powertools Logger', async () => {
    const logger: BrakeLogger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    expect(await applyBrake(report(hour('quiet.example.org', CRITICAL)), ENABLED, deps(logger))).toHaveLength(
      1,
    );
  });
});

describe('SNS subject', () => {
  it('is ASCII, one line, under 100 characters, never empty', () => {
    expect(snsSubject('  Brake:\npaused  “marketing” – café\t')).toBe('Brake: paused ?marketing? ? cafe');
    const long = snsSubject(`SES emergency brake: ${'x'.repeat(200)}`);
    expect(long).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(long.endsWith('...')).toBe(true);
    expect(snsSubject('\n\t')).toBe('SES bounce handler');
  });
});

describe('the brake per SES tenant', () => {
  const TENANT_ARN = (name: string) => `arn:aws:ses:eu-west-1:123456789012:tenant/${name}/tn-${name}`;
  const tenantHour = (
    tenant: string,
    { sends, bounces = 0 }: { sends: number; bounces?: number },
  ): TenantHourlyCounts => ({
    tenant,
    hour: '2026-11-20T10',
    sends,
    deliveries: sends - bounces,
    permanentBounces: bounces,
    transientBounces: 0,
    complaints: 0,
    senderSide: {},
  });
  const tenantReport = (...counts: TenantHourlyCounts[]) => rateReport([], WINDOW, undefined, counts);
  const TENANTS = config({ enabled: true, tenants: ['acme', 'globex'] });
  const statusOf = new Map<string, 'ENABLED' | 'DISABLED'>();
  beforeEach(() => {
    statusOf.clear();
    sesMock.on(GetTenantCommand).callsFake((input: { TenantName: string }) => ({
      Tenant: { TenantName: input.TenantName, TenantArn: TENANT_ARN(input.TenantName) },
    }));
    sesMock.on(GetReputationEntityCommand).callsFake((input: { ReputationEntityReference: string }) => ({
      ReputationEntity: {
        CustomerManagedStatus: { Status: statusOf.get(input.ReputationEntityReference) ?? 'ENABLED' },
      },
    }));
    sesMock
      .on(UpdateReputationEntityCustomerManagedStatusCommand)
      .callsFake((input: { ReputationEntityReference: string; SendingStatus: 'DISABLED' }) => {
        statusOf.set(input.ReputationEntityReference, input.SendingStatus);
        return {};
      });
  });

  it('plans to disable only listed tenants that are critical (not warning, ok or low-volume; not an unlisted one)', () => {
    const r = tenantReport(
      tenantHour('acme', CRITICAL),
      tenantHour('globex', WARNING),
      tenantHour('initech', CRITICAL),
      tenantHour('tiny', LOW_VOLUME),
    );
    expect(planBrake(r, TENANTS)).toEqual([
      {
        kind: 'disable-tenant',
        tenant: 'acme',
        reasons: [{ tenant: 'acme', sent: 5000, bounceRate: 0.061, complaintRate: 0, window: '24h' }],
      },
    ]);
    expect(planBrake(r, { ...TENANTS, enabled: false })).toEqual([]);
  });

  it('sets the critical tenant’s customer-managed status to DISABLED by its ARN, pages once; the next run finds it disabled and neither calls nor pages', async () => {
    const r = tenantReport(tenantHour('acme', CRITICAL), tenantHour('globex', OK));
    const lines = await applyBrake(r, TENANTS, deps());
    expect(lines).toEqual([
      'disabled tenant "acme" (tenant acme critical: bounce 6.1 %, complaint 0 % over 24h)',
    ]);
    expect(inputs(sesMock, UpdateReputationEntityCustomerManagedStatusCommand)).toEqual([
      {
        ReputationEntityType: 'RESOURCE',
        ReputationEntityReference: TENANT_ARN('acme'),
        SendingStatus: 'DISABLED',
      },
    ]);
    expect(inputs(sesMock, GetTenantCommand)).toEqual([{ TenantName: 'acme' }]);
    expect(publishes()).toHaveLength(1);
    expect(publishes()[0]?.Subject).toBe('SES emergency brake: disabled 1 tenant');
    expect(publishes()[0]?.Message).toContain(
      'aws sesv2 update-reputation-entity-customer-managed-status --reputation-entity-type RESOURCE',
    );
    expect(await applyBrake(r, TENANTS, deps())).toEqual([
      'tenant "acme" already disabled, left as is (tenant acme critical: bounce 6.1 %, complaint 0 % over 24h)',
    ]);
    expect(inputs(sesMock, UpdateReputationEntityCustomerManagedStatusCommand)).toHaveLength(1);
    expect(publishes()).toHaveLength(1);
  });

  it('a tenant SES does not know: the failure is paged and the run fails', async () => {
    sesMock.on(GetTenantCommand).rejects(new NotFoundException({ message: 'no such tenant', $metadata: {} }));
    const r = tenantReport(tenantHour('acme', CRITICAL));
    const error = await applyBrake(r, TENANTS, deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmergencyBrakeError);
    expect((error as EmergencyBrakeError).actions[0]).toMatch(
      /^FAILED to disable tenant "acme": NotFoundException/,
    );
    expect(publishes()).toHaveLength(1);
  });
});

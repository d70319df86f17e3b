import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_CONFIG,
  didYouMean,
  hygieneIntervalMinutes,
  loadConfig,
  resolveSettings,
} from '../../infra/config';

describe('loadConfig: policy', () => {
  it('accepts a policy object from cdk.json or a JSON string from -c', () => {
    const policy = { decisions: { mailboxfull: 'suppress-temporarily' }, auditRetentionDays: 90 };
    expect(loadConfig({ policy }).policy).toEqual(policy);
    expect(loadConfig({ policy: JSON.stringify(policy) }).policy).toEqual(policy);
  });

  it('rejects a bad policy at synth with the policy key and the bad value named', () => {
    expect(() => loadConfig({ policy: { temporarySuppressionDays: 0 } })).toThrow(
      /config "policy": .*temporarySuppressionDays: .*got 0/,
    );
    expect(() => loadConfig({ policy: { decisions: { blocked: 'suppress' } } })).toThrow(
      /sender-side failure/,
    );
  });
});

describe('loadConfig', () => {
  it('returns the documented defaults when the context sets nothing', () => {
    expect(loadConfig({})).toEqual({
      stackName: 'SesBounceHandler',
      batchSize: 100,
      maxBatchingWindowSeconds: 5,
      maxConcurrency: 5,
      dlqMaxReceiveCount: 5,
      logRetentionDays: 30,
      sesIdentities: [],
      sesConfigurationSets: [],
      sesEventTypes: ['BOUNCE', 'COMPLAINT', 'DELIVERY', 'SEND'],
      identityNotificationTypes: ['Bounce', 'Complaint', 'Delivery'],
      ingest: 'sns',
      policy: {},
      sesSyncMode: 'off',
      syncSchedule: 'rate(1 hour)',
      sesSyncRatePerSecond: 1,
      hygieneSchedule: 'rate(1 hour)',
      thresholds: {
        bounceWarning: 0.02,
        bounceCritical: 0.05,
        complaintWarning: 0.0008,
        complaintCritical: 0.001,
        minimumVolume: 200,
      },
      alarmEmail: '',
      oldestMessageAgeMinutes: 30,
      senderSideAlarmThreshold: 10,
      providerSenderSideAlarmThreshold: 25,
      chat: {},
      emergencyBrake: { enabled: false, configurationSets: {}, pauseAccount: false, tenants: [] },
      tenants: [],
      compliance: 'none',
    });
    expect(loadConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it('ignores context keys it does not own (CDK feature flags, bundling switches)', () => {
    expect(loadConfig({ '@aws-cdk/core:checkSecretUsage': true, 'cli-telemetry': false })).toEqual(
      DEFAULT_CONFIG,
    );
  });

  it('applies overrides and keeps defaults for the rest', () => {
    expect(loadConfig({ stackName: 'SesBounceHandler-Staging', batchSize: 1000 })).toEqual({
      ...DEFAULT_CONFIG,
      stackName: 'SesBounceHandler-Staging',
      batchSize: 1000,
    });
  });

  it('accepts integer strings, as `cdk synth -c key=value` passes them', () => {
    const config = loadConfig({ maxConcurrency: '20', logRetentionDays: '90' });
    expect(config.maxConcurrency).toBe(20);
    expect(config.logRetentionDays).toBe(90);
  });

  it('rejects a non-integer with an error naming the key and the bad value', () => {
    expect(() => loadConfig({ batchSize: 'abc' })).toThrow(
      new ConfigError('config "batchSize": expected an integer 1..10000, got "abc"'),
    );
  });

  describe('batching', () => {
    it('still reads the former names processorBatchSize and processorMaxConcurrency', () => {
      const config = loadConfig({ processorBatchSize: '50', processorMaxConcurrency: 20 });
      expect(config).toMatchObject({ batchSize: 50, maxConcurrency: 20 });
      expect(config).not.toHaveProperty('processorBatchSize');
      // The same value under both names is fine.
      expect(loadConfig({ processorBatchSize: 50, batchSize: '50' }).batchSize).toBe(50);
    });

    it('names the former key when its value is bad', () => {
      expect(() => loadConfig({ processorBatchSize: 0 })).toThrow(
        new ConfigError('config "processorBatchSize": expected an integer 1..10000, got 0'),
      );
    });

    it('refuses a setting given under both names with different values', () => {
      expect(() => loadConfig({ processorBatchSize: 50, batchSize: 200 })).toThrow(
        /^config "processorBatchSize": the former name of "batchSize", which is set too \(to 200\); keep one, got 50$/,
      );
    });

    it('refuses a batch size above 10 without a batching window, naming both values', () => {
      expect(() => loadConfig({ batchSize: 11, maxBatchingWindowSeconds: 0 })).toThrow(
        /^config "maxBatchingWindowSeconds": expected at least 1 when batchSize is above 10 \(batchSize is 11;.*, got 0$/,
      );
      expect(loadConfig({ batchSize: 10, maxBatchingWindowSeconds: '0' })).toMatchObject({
        batchSize: 10,
        maxBatchingWindowSeconds: 0,
      });
    });
  });

  it.each([
    ['batchSize', 0],
    ['batchSize', 10_001],
    ['batchSize', 2.5],
    ['maxBatchingWindowSeconds', 301],
    ['maxBatchingWindowSeconds', -1],
    ['maxConcurrency', 1],
    ['maxConcurrency', 1001],
    ['dlqMaxReceiveCount', 0],
    ['logRetentionDays', 45],
    ['stackName', '1-starts-with-digit'],
    ['stackName', 'has_underscore'],
  ])('rejects %s = %j', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(
      new RegExp(`^config "${key}": .*, got ${JSON.stringify(value)}`),
    );
  });

  it('reports every bad key at once, one per line', () => {
    expect(() => loadConfig({ maxConcurrency: 1, logRetentionDays: 'forever' })).toThrow(
      /^config "maxConcurrency": expected an integer 2\.\.1000, got 1\nconfig "logRetentionDays": expected one of 1, 3, .*, got "forever"$/,
    );
  });

  describe('SES wiring lists', () => {
    it('accepts arrays, as cdk.json gives them', () => {
      const config = loadConfig({
        sesIdentities: ['example.com', 'noreply@mail.example.org'],
        sesConfigurationSets: ['main', 'marketing_2024-q1'],
        sesEventTypes: ['BOUNCE', 'COMPLAINT', 'DELIVERY_DELAY', 'REJECT'],
        identityNotificationTypes: ['Bounce', 'Complaint'],
      });
      expect(config).toMatchObject({
        sesIdentities: ['example.com', 'noreply@mail.example.org'],
        sesConfigurationSets: ['main', 'marketing_2024-q1'],
        sesEventTypes: ['BOUNCE', 'COMPLAINT', 'DELIVERY_DELAY', 'REJECT'],
        identityNotificationTypes: ['Bounce', 'Complaint'],
      });
    });

    it('accepts a JSON array string, as `-c sesIdentities=\'["example.com"]\'` passes it', () => {
      expect(loadConfig({ sesIdentities: '["example.com", "a@example.org"]' }).sesIdentities).toEqual([
        'example.com',
        'a@example.org',
      ]);
      expect(loadConfig({ sesConfigurationSets: ' [] ' }).sesConfigurationSets).toEqual([]);
    });

    it('accepts a comma-separated string, trimming blanks and dropping empty items', () => {
      expect(loadConfig({ sesConfigurationSets: ' main, marketing ,' }).sesConfigurationSets).toEqual([
        'main',
        'marketing',
      ]);
      expect(loadConfig({ sesEventTypes: 'BOUNCE,COMPLAINT' }).sesEventTypes).toEqual([
        'BOUNCE',
        'COMPLAINT',
      ]);
      expect(loadConfig({ identityNotificationTypes: 'Bounce' }).identityNotificationTypes).toEqual([
        'Bounce',
      ]);
    });

    it('treats an empty string as the empty list for identities and configuration sets', () => {
      expect(loadConfig({ sesIdentities: '', sesConfigurationSets: '' })).toEqual(DEFAULT_CONFIG);
    });

    it('names the key, the offending items and the raw value', () => {
      expect(() => loadConfig({ sesEventTypes: 'BOUNCE,OPEN,click' })).toThrow(
        new ConfigError(
          'config "sesEventTypes": expected a non-empty list of SES event types out of BOUNCE, COMPLAINT, ' +
            'DELIVERY, SEND, DELIVERY_DELAY, REJECT, as a JSON array or comma-separated; not valid: "OPEN", ' +
            '"click", got "BOUNCE,OPEN,click"',
        ),
      );
    });

    it.each([
      ['sesIdentities', 'not a domain'],
      ['sesIdentities', 'localhost'],
      ['sesIdentities', '@example.com'],
      ['sesIdentities', 'arn:aws:ses:eu-west-1:123456789012:identity/example.com'],
      ['sesIdentities', '["example.com"'],
      ['sesIdentities', 42],
      ['sesIdentities', { name: 'example.com' }],
      ['sesIdentities', ['example.com', 'example.com']],
      ['sesConfigurationSets', 'has space'],
      ['sesConfigurationSets', 'dots.not.allowed'],
      ['sesConfigurationSets', 'x'.repeat(65)],
      ['sesConfigurationSets', [7]],
      ['sesEventTypes', 'bounce'],
      ['sesEventTypes', 'OPEN'],
      ['sesEventTypes', ''],
      ['sesEventTypes', []],
      ['sesEventTypes', 'BOUNCE,BOUNCE'],
      ['identityNotificationTypes', 'BOUNCE'],
      ['identityNotificationTypes', 'Send'],
      ['identityNotificationTypes', '[]'],
    ])('rejects %s = %j', (key, value) => {
      expect(() => loadConfig({ [key]: value })).toThrow(
        new RegExp(
          `^config "${key}": expected a (non-empty )?list of .*, got ${escapeRegExp(JSON.stringify(value))}$`,
        ),
      );
    });

    it('says what is wrong: repeated items, an empty list', () => {
      expect(() => loadConfig({ sesConfigurationSets: 'main,other,main' })).toThrow(
        /; repeated: "main", got/,
      );
      expect(() => loadConfig({ identityNotificationTypes: '' })).toThrow(/; empty, got ""$/);
    });
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('loadConfig: SES suppression list sync', () => {
  it('accepts the modes, schedules and rates it documents', () => {
    expect(
      loadConfig({ sesSyncMode: 'both', syncSchedule: 'rate(15 minutes)', sesSyncRatePerSecond: '0.5' }),
    ).toMatchObject({ sesSyncMode: 'both', syncSchedule: 'rate(15 minutes)', sesSyncRatePerSecond: 0.5 });
    expect(loadConfig({ syncSchedule: 'cron(0 3 * * ? *)' }).syncSchedule).toBe('cron(0 3 * * ? *)');
    expect(loadConfig({ syncSchedule: 'rate(1 day)' }).syncSchedule).toBe('rate(1 day)');
  });

  it.each([
    ['sesSyncMode', 'sideways', /expected one of off, push, pull, both/],
    ['syncSchedule', 'rate(1 hours)', /expected an EventBridge schedule expression/],
    ['syncSchedule', 'every hour', /expected an EventBridge schedule expression/],
    ['sesSyncRatePerSecond', 0, /expected calls per second, 0\.1\.\.50/],
    ['sesSyncRatePerSecond', 'fast', /expected calls per second/],
  ])('rejects %s = %j naming the key and the value', (key, value, message) => {
    expect(() => loadConfig({ [key]: value })).toThrow(message);
    expect(() => loadConfig({ [key]: value })).toThrow(
      new RegExp(`^config "${key}": .*, got ${JSON.stringify(value).replace(/[()*?.]/g, '\\$&')}$`),
    );
  });
});

describe('loadConfig: ingest', () => {
  it('accepts sns, eventbridge and both (from cdk.json or -c), sns by default', () => {
    expect(loadConfig({}).ingest).toBe('sns');
    for (const mode of ['sns', 'eventbridge', 'both']) expect(loadConfig({ ingest: mode }).ingest).toBe(mode);
    expect(resolveSettings({ ingest: 'both' }).ingest).toBe('both');
  });

  it('refuses another value naming the key and the value', () => {
    expect(() => loadConfig({ ingest: 'kinesis' })).toThrow(
      'config "ingest": expected one of sns, eventbridge, both, got "kinesis"',
    );
    expect(() => resolveSettings({ ingest: 'EventBridge' })).toThrow(
      'SesBounceHandler "ingest": expected one of sns, eventbridge, both, got "EventBridge"',
    );
  });
});

describe('loadConfig: hygiene and on-call settings', () => {
  it('merges partial thresholds with the defaults, from cdk.json or as JSON text from -c', () => {
    expect(loadConfig({ thresholds: { bounceWarning: 0.03 } }).thresholds).toEqual({
      bounceWarning: 0.03,
      bounceCritical: 0.05,
      complaintWarning: 0.0008,
      complaintCritical: 0.001,
      minimumVolume: 200,
    });
    expect(loadConfig({ thresholds: '{"minimumVolume":50}' }).thresholds.minimumVolume).toBe(50);
  });

  it('refuses a threshold given in percent, saying rates are fractions and quoting the value once', () => {
    let message = '';
    try {
      loadConfig({ thresholds: { bounceWarning: 5 } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^config "thresholds": .*bounceWarning.*fraction.*got 5$/);
    expect(message.match(/\bgot\b/g)).toHaveLength(1);
  });

  it('accepts an alarm email, a schedule and integer strings for the alarm settings', () => {
    expect(
      loadConfig({
        alarmEmail: 'oncall@example.com',
        hygieneSchedule: 'rate(30 minutes)',
        oldestMessageAgeMinutes: '15',
        senderSideAlarmThreshold: '25',
      }),
    ).toMatchObject({
      alarmEmail: 'oncall@example.com',
      hygieneSchedule: 'rate(30 minutes)',
      oldestMessageAgeMinutes: 15,
      senderSideAlarmThreshold: 25,
    });
  });

  it.each([
    ['thresholds', { bounceWarning: 0.06 }, /warning threshold is above its critical one/],
    ['thresholds', { bounceCeiling: 0.1 }, /bounceCeiling/],
    ['alarmEmail', 'oncall', /expected an email address/],
    ['hygieneSchedule', 'hourly', /expected an EventBridge schedule expression/],
    ['oldestMessageAgeMinutes', 2, /expected an integer 5\.\.1440/],
    ['senderSideAlarmThreshold', 0, /expected an integer 1\.\.100000/],
  ])('rejects %s = %j naming the key and the value', (key, value, message) => {
    expect(() => loadConfig({ [key]: value })).toThrow(message);
    expect(() => loadConfig({ [key]: value })).toThrow(
      new RegExp(`^config "${key}": .*, got ${escapeRegExp(JSON.stringify(value))}$`),
    );
  });
});

describe('loadConfig: compliance profile', () => {
  it('is off unless asked for, and accepts the NIST 800-53 r5 profile by name', () => {
    expect(loadConfig({}).compliance).toBe('none');
    expect(loadConfig({ compliance: 'nist-800-53-r5' }).compliance).toBe('nist-800-53-r5');
  });

  it('rejects an unknown profile, naming the key, the choices and the bad value', () => {
    expect(() => loadConfig({ compliance: 'nist-800-53-r4' })).toThrow(
      'config "compliance": expected one of none, nist-800-53-r5, got "nist-800-53-r4"',
    );
  });
});

describe('loadConfig: keys that are not settings', () => {
  it('refuses a mistyped top-level key with "did you mean", naming the key and its value', () => {
    expect(() => loadConfig({ alarmEmial: 'oncall@acme-corp.example' })).toThrow(
      new ConfigError(
        'config "alarmEmial": not a setting (did you mean "alarmEmail"?), got "oncall@acme-corp.example"',
      ),
    );
    expect(() => loadConfig({ batchsize: '10' })).toThrow(
      /^config "batchsize": not a setting \(did you mean "batchSize"\?\), got "10"$/,
    );
  });

  it('lists the settings when nothing is close, and reports every bad key at once', () => {
    expect(() => loadConfig({ pagerDuty: 'x', batchSize: 0 })).toThrow(
      /^config "pagerDuty": not a setting \(settings: stackName, batchSize, .*\), got "x"\nconfig "batchSize": expected an integer/,
    );
  });

  it("still leaves CDK's own context keys alone", () => {
    expect(
      loadConfig({
        '@aws-cdk/core:checkSecretUsage': true,
        'aws:cdk:enable-path-metadata': true,
        'cli-telemetry': false,
        'availability-zones:account=1:region=x': ['a'],
      }),
    ).toEqual(DEFAULT_CONFIG);
  });

  it('suggests only near misses', () => {
    expect(didYouMean('sesIdentity', ['sesIdentities', 'sesSyncMode'])).toBe('sesIdentities');
    expect(didYouMean('HYGIENESCHEDULE', ['hygieneSchedule'])).toBe('hygieneSchedule');
    expect(didYouMean('region', ['stackName', 'batchSize'])).toBeUndefined();
  });
});

describe("resolveSettings: the construct's props, the same schema", () => {
  it('gives the defaults of cdk.json without the stack name', () => {
    const { stackName: _, ...defaults } = DEFAULT_CONFIG;
    expect(resolveSettings({})).toEqual(defaults);
    expect(resolveSettings(undefined)).toEqual(defaults);
  });

  it('refuses stackName (a stack prop, not a construct setting) and unknown keys', () => {
    expect(() => resolveSettings({ stackName: 'X' })).toThrow('SesBounceHandler "stackName": not a setting');
    expect(() => resolveSettings({ alarmEmial: 'a@b.example' })).toThrow(
      'SesBounceHandler "alarmEmial": not a setting (did you mean "alarmEmail"?), got "a@b.example"',
    );
  });

  it('names the key and the bad value, as the context does', () => {
    expect(() => resolveSettings({ alarmEmail: 'oncall-at-acme' })).toThrow(
      new ConfigError(
        'SesBounceHandler "alarmEmail": expected an email address (or "" for none), got "oncall-at-acme"',
      ),
    );
    expect(() => resolveSettings({ sesSyncMode: 'sometimes' })).toThrow(
      'SesBounceHandler "sesSyncMode": expected one of off, push, pull, both, got "sometimes"',
    );
  });

  it('accepts the keys the caller takes itself, and leaves them out', () => {
    expect(resolveSettings({ env: { region: 'eu-west-1' }, batchSize: 10 }, 'Stack', ['env']).batchSize).toBe(
      10,
    );
  });

  it('shortens a long bad value in the error', () => {
    expect(() => resolveSettings({ alarmEmail: 'x'.repeat(10_000) })).toThrow(/got "x{116}\.\.\.$/);
  });
});

describe('settings that contradict each other', () => {
  it('derives the heartbeat from the hygiene schedule: rate(...) and readable cron(...)', () => {
    expect(hygieneIntervalMinutes('rate(1 hour)')).toBe(60);
    expect(hygieneIntervalMinutes('rate(3 hours)')).toBe(180);
    expect(hygieneIntervalMinutes('rate(15 minutes)')).toBe(15);
    expect(hygieneIntervalMinutes('cron(0 * * * ? *)')).toBe(60);
    expect(hygieneIntervalMinutes('cron(0/15 * * * ? *)')).toBe(15);
    expect(hygieneIntervalMinutes('cron(5 0/3 * * ? *)')).toBe(180);
    expect(hygieneIntervalMinutes('cron(0 0,6,12 * * ? *)')).toBe(720);
  });

  it('refuses a hygiene schedule the heartbeat cannot follow, naming the setting and value', () => {
    expect(() => loadConfig({ hygieneSchedule: 'rate(1 day)' })).toThrow(
      /^config "hygieneSchedule": runs 24 hours apart; the heartbeat alarm \(two missed runs\) needs a run at least every 12 hours, got "rate\(1 day\)"$/,
    );
    expect(() => loadConfig({ hygieneSchedule: 'cron(0 9 ? * MON-FRI *)' })).toThrow(
      /^config "hygieneSchedule": the heartbeat alarm cannot be derived from this cron/,
    );
    expect(() => loadConfig({ hygieneSchedule: 'cron(0 3 * * ? *)' })).toThrow(/runs 24 hours apart/);
  });

  it('refuses brake configuration sets that are not in sesConfigurationSets, naming both settings', () => {
    const emergencyBrake = { enabled: true, configurationSets: { 'example.com': ['main', 'marketing'] } };
    expect(() => loadConfig({ sesConfigurationSets: 'main', emergencyBrake })).toThrow(
      /^config "emergencyBrake": configurationSets names "marketing", not in sesConfigurationSets \(\["main"\]\); add them there or remove them from the brake, got \{/,
    );
    expect(
      loadConfig({ sesConfigurationSets: 'main,marketing', emergencyBrake }).emergencyBrake.enabled,
    ).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../../infra/config';

describe('loadConfig', () => {
  it('returns the documented defaults when the context sets nothing', () => {
    expect(loadConfig({})).toEqual({
      stackName: 'SesBounceHandler',
      processorBatchSize: 10,
      processorMaxConcurrency: 5,
      dlqMaxReceiveCount: 5,
      logRetentionDays: 30,
    });
    expect(loadConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it('ignores context keys it does not own (CDK feature flags, bundling switches)', () => {
    expect(loadConfig({ '@aws-cdk/core:checkSecretUsage': true, 'cli-telemetry': false })).toEqual(
      DEFAULT_CONFIG,
    );
  });

  it('applies overrides and keeps defaults for the rest', () => {
    expect(loadConfig({ stackName: 'SesBounceHandler-Staging', processorBatchSize: 100 })).toEqual({
      ...DEFAULT_CONFIG,
      stackName: 'SesBounceHandler-Staging',
      processorBatchSize: 100,
    });
  });

  it('accepts integer strings, as `cdk synth -c key=value` passes them', () => {
    const config = loadConfig({ processorMaxConcurrency: '20', logRetentionDays: '90' });
    expect(config.processorMaxConcurrency).toBe(20);
    expect(config.logRetentionDays).toBe(90);
  });

  it('rejects a non-integer with an error naming the key and the bad value', () => {
    expect(() => loadConfig({ processorBatchSize: 'abc' })).toThrow(
      new ConfigError('config "processorBatchSize": expected an integer 1..10000, got "abc"'),
    );
  });

  it.each([
    ['processorBatchSize', 0],
    ['processorBatchSize', 10_001],
    ['processorBatchSize', 2.5],
    ['processorMaxConcurrency', 1],
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
    expect(() => loadConfig({ processorMaxConcurrency: 1, logRetentionDays: 'forever' })).toThrow(
      /^config "processorMaxConcurrency": expected an integer 2\.\.1000, got 1\nconfig "logRetentionDays": expected one of 1, 3, .*, got "forever"$/,
    );
  });
});

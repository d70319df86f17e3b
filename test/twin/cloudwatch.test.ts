import { describe, expect, it } from 'vitest';
import {
  type AlarmDefinition,
  datapointsFromEmf,
  evaluateAlarm,
  evaluateExpression,
  MetricStore,
} from './cloudwatch';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');

function rateAlarm(overrides: Partial<AlarmDefinition> = {}): AlarmDefinition {
  const metric = (name: string) => ({
    namespace: 'N',
    name,
    dimensions: { Identity: 'a' },
    stat: 'Maximum',
    period: 3600,
  });
  return {
    logicalId: 'A',
    metrics: [
      { id: 'e', expression: 'IF(sent >= 200, rate, 0)', returnData: true },
      { id: 'rate', metric: metric('Rate'), returnData: false },
      { id: 'sent', metric: metric('Sent'), returnData: false },
    ],
    period: 3600,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 5,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: [],
    okActions: [],
    insufficientDataActions: [],
    ...overrides,
  };
}

const point = (name: string, value: number, timestamp: number, dimensions = { Identity: 'a' }) => ({
  namespace: 'N',
  name,
  dimensions,
  value,
  timestamp,
  source: 'test',
});

describe('the twin’s CloudWatch', () => {
  it('evaluates metric math: IF, FILL, arithmetic and comparisons, missing inputs stay missing', () => {
    expect(evaluateExpression('IF(sent >= 200, rate, 0)', { sent: 250, rate: 6 })).toBe(6);
    expect(evaluateExpression('IF(sent >= 200, rate, 0)', { sent: 150, rate: 6 })).toBe(0);
    expect(
      evaluateExpression('IF(sent >= 200, rate, 0)', { sent: undefined, rate: undefined }),
    ).toBeUndefined();
    expect(evaluateExpression('FILL(m, 0) + 1', { m: undefined })).toBe(1);
    expect(evaluateExpression('(a + b) * 2 / 4 - 1', { a: 1, b: 3 })).toBe(1);
    expect(() => evaluateExpression('ANOMALY_DETECTION_BAND(m)', { m: 1 })).toThrow(/ANOMALY_DETECTION_BAND/);
  });

  it('matches metrics by their exact dimension set, as CloudWatch does', () => {
    const store = new MetricStore();
    store.add(point('Rate', 9, T0 + 1000, { Identity: 'a', Window: '24h' } as never));
    expect(store.values('N', 'Rate', { Identity: 'a' }, T0, T0 + HOUR)).toEqual([]);
    expect(store.values('N', 'Rate', { Identity: 'a', Window: '24h' }, T0, T0 + HOUR)).toEqual([9]);
  });

  it('alarms when the math breaches, not below the minimum volume, and treats missing data as the alarm says', () => {
    const store = new MetricStore();
    expect(evaluateAlarm(rateAlarm(), store, T0 + 10, 'INSUFFICIENT_DATA').state).toBe('OK');
    expect(
      evaluateAlarm(rateAlarm({ treatMissingData: 'missing' }), store, T0 + 10, 'INSUFFICIENT_DATA').state,
    ).toBe('INSUFFICIENT_DATA');
    expect(evaluateAlarm(rateAlarm({ treatMissingData: 'ignore' }), store, T0 + 10, 'ALARM').state).toBe(
      'ALARM',
    );
    store.add(point('Rate', 6, T0 + 1000), point('Sent', 150, T0 + 1000));
    expect(evaluateAlarm(rateAlarm(), store, T0 + 2000, 'OK').state).toBe('OK');
    store.add(point('Rate', 6, T0 + HOUR + 1000), point('Sent', 300, T0 + HOUR + 1000));
    expect(evaluateAlarm(rateAlarm(), store, T0 + HOUR + 2000, 'OK').state).toBe('ALARM');
  });

  it('needs DatapointsToAlarm of EvaluationPeriods breaching; missing as breaching counts', () => {
    const heartbeat: AlarmDefinition = {
      ...rateAlarm(),
      metrics: [
        {
          id: 'm',
          metric: { namespace: 'N', name: 'Heartbeat', dimensions: {}, stat: 'Sum', period: 3600 },
          returnData: true,
        },
      ],
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      threshold: 1,
      comparison: 'LessThanThreshold',
      treatMissingData: 'breaching',
    };
    const store = new MetricStore();
    store.add({ ...point('Heartbeat', 1, T0 + 1000), dimensions: {} });
    expect(evaluateAlarm(heartbeat, store, T0 + HOUR + 10, 'OK').state).toBe('OK');
    expect(evaluateAlarm(heartbeat, store, T0 + 2 * HOUR + 10, 'OK').state).toBe('ALARM');
  });

  it('reads EMF documents: every metric of every dimension set, array values as several datapoints', () => {
    const line = JSON.stringify({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [
          { Namespace: 'N', Dimensions: [['service', 'Identity']], Metrics: [{ Name: 'A' }, { Name: 'B' }] },
        ],
      },
      service: 's',
      Identity: 'x',
      A: 1,
      B: [2, 3],
    });
    expect(
      datapointsFromEmf(['not json', line], T0, 'f').map((p) => [p.name, p.value, p.dimensions]),
    ).toEqual([
      ['A', 1, { service: 's', Identity: 'x' }],
      ['B', 2, { service: 's', Identity: 'x' }],
      ['B', 3, { service: 's', Identity: 'x' }],
    ]);
  });
});

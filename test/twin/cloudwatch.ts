/** A metric datapoint as CloudWatch stores it. */
export interface Datapoint {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  value: number;
  /** Epoch ms (the twin's clock). */
  timestamp: number;
  /** Who emitted it: a function's logical id (EMF), or `emulated:<service>`. */
  source: string;
}

/** The EMF documents among a function's stdout lines, as datapoints at `timestamp`. */
export function datapointsFromEmf(lines: readonly string[], timestamp: number, source: string): Datapoint[] {
  const points: Datapoint[] = [];
  for (const line of lines) {
    if (!line.includes('"_aws"')) continue;
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const aws = doc._aws as
      | { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }
      | undefined;
    for (const directive of aws?.CloudWatchMetrics ?? []) {
      for (const dimensionSet of directive.Dimensions.length > 0 ? directive.Dimensions : [[]]) {
        const dimensions = Object.fromEntries(dimensionSet.map((key) => [key, String(doc[key])]));
        for (const metric of directive.Metrics) {
          const raw = doc[metric.Name];
          for (const value of Array.isArray(raw) ? raw : [raw]) {
            if (typeof value !== 'number') continue;
            points.push({
              namespace: directive.Namespace,
              name: metric.Name,
              dimensions,
              value,
              timestamp,
              source,
            });
          }
        }
      }
    }
  }
  return points;
}

const keyOf = (namespace: string, name: string, dimensions: Record<string, string>) =>
  `${namespace}|${name}|${JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : 1)))}`;

export class MetricStore {
  readonly points: Datapoint[] = [];
  /** By metric identity (namespace, name, exact dimension set), as CloudWatch stores them. */
  private readonly series = new Map<string, Datapoint[]>();

  add(...points: Datapoint[]) {
    for (const point of points) {
      this.points.push(point);
      const key = keyOf(point.namespace, point.name, point.dimensions);
      const list = this.series.get(key);
      if (list) list.push(point);
      else this.series.set(key, [point]);
    }
  }

  /** Values of one metric (exact dimension set, as CloudWatch matches) in `[from, to)`. */
  values(namespace: string, name: string, dimensions: Record<string, string>, from: number, to: number) {
    return (this.series.get(keyOf(namespace, name, dimensions)) ?? [])
      .filter((p) => p.timestamp >= from && p.timestamp < to)
      .map((p) => p.value);
  }

  has(namespace: string, name: string, dimensions: Record<string, string>) {
    return this.series.has(keyOf(namespace, name, dimensions));
  }
}

export function statistic(stat: string, values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'SampleCount':
      return values.length;
    default: {
      const p = /^p(\d+(\.\d+)?)$/.exec(stat);
      if (p) {
        const sorted = [...values].sort((a, b) => a - b);
        return sorted[Math.min(sorted.length - 1, Math.ceil((Number(p[1]) / 100) * sorted.length) - 1)];
      }
      throw new Error(`the twin does not compute the statistic ${JSON.stringify(stat)}`);
    }
  }
}

type Value = number | undefined;

/**
 * CloudWatch metric math over one period's values: numbers, metric ids, + - * /, comparisons,
 * AND/OR/NOT, parentheses, IF(c, a[, b]), FILL(m, v), ABS, MIN/MAX of values. A missing input makes
 * the result missing, except in FILL (which supplies the value) and IF's untaken branch.
 */
export function evaluateExpression(expression: string, variables: Record<string, Value>): Value {
  const tokens = expression.match(
    /\s*(>=|<=|==|!=|&&|\|\||[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[()+\-*/<>,!])/g,
  );
  if (!tokens || tokens.join('').replace(/\s/g, '') !== expression.replace(/\s/g, ''))
    throw new Error(`the twin cannot parse the metric math ${JSON.stringify(expression)}`);
  const list = tokens.map((t) => t.trim());
  let i = 0;
  const peek = () => list[i];
  const take = (expected?: string) => {
    const token = list[i++];
    if (expected !== undefined && token !== expected)
      throw new Error(`metric math ${JSON.stringify(expression)}: expected ${expected}, got ${token}`);
    return token as string;
  };
  const num = (v: Value, f: (x: number) => number): Value => (v === undefined ? undefined : f(v));
  const bin = (a: Value, b: Value, f: (x: number, y: number) => number): Value =>
    a === undefined || b === undefined ? undefined : f(a, b);
  const primary = (): Value => {
    const token = take();
    if (token === '(') {
      const v = or();
      take(')');
      return v;
    }
    if (token === '-') return num(primary(), (x) => -x);
    if (token === '!' || token === 'NOT') return num(primary(), (x) => (x === 0 ? 1 : 0));
    if (/^\d/.test(token)) return Number(token);
    if (peek() === '(') {
      take('(');
      const args: Value[] = [];
      if (peek() !== ')') {
        args.push(or());
        while (peek() === ',') {
          take(',');
          args.push(or());
        }
      }
      take(')');
      switch (token.toUpperCase()) {
        case 'IF': {
          const [c, a, b = 0] = args;
          if (c === undefined) return undefined;
          return c !== 0 ? a : b;
        }
        case 'FILL':
          return args[0] ?? args[1];
        case 'ABS':
          return num(args[0], Math.abs);
        case 'MAX':
          return args.some((a) => a === undefined) ? undefined : Math.max(...(args as number[]));
        case 'MIN':
          return args.some((a) => a === undefined) ? undefined : Math.min(...(args as number[]));
        default:
          throw new Error(`the twin does not implement the metric math function ${token} (${expression})`);
      }
    }
    if (!(token in variables))
      throw new Error(`metric math ${JSON.stringify(expression)}: unknown id ${token}`);
    return variables[token];
  };
  const mul = (): Value => {
    let v = primary();
    while (peek() === '*' || peek() === '/') {
      const op = take();
      const r = primary();
      v = bin(v, r, op === '*' ? (x, y) => x * y : (x, y) => x / y);
    }
    return v;
  };
  const add = (): Value => {
    let v = mul();
    while (peek() === '+' || peek() === '-') {
      const op = take();
      const r = mul();
      v = bin(v, r, op === '+' ? (x, y) => x + y : (x, y) => x - y);
    }
    return v;
  };
  const compare = (): Value => {
    let v = add();
    while (['>=', '<=', '>', '<', '==', '!='].includes(peek() ?? '')) {
      const op = take();
      const r = add();
      v = bin(v, r, (x, y) => {
        const result =
          op === '>='
            ? x >= y
            : op === '<='
              ? x <= y
              : op === '>'
                ? x > y
                : op === '<'
                  ? x < y
                  : op === '=='
                    ? x === y
                    : x !== y;
        return result ? 1 : 0;
      });
    }
    return v;
  };
  const and = (): Value => {
    let v = compare();
    while (peek() === '&&' || peek() === 'AND') {
      take();
      const r = compare();
      v = bin(v, r, (x, y) => (x !== 0 && y !== 0 ? 1 : 0));
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (peek() === '||' || peek() === 'OR') {
      take();
      const r = and();
      v = bin(v, r, (x, y) => (x !== 0 || y !== 0 ? 1 : 0));
    }
    return v;
  };
  const result = or();
  if (i !== list.length) throw new Error(`metric math ${JSON.stringify(expression)}: unexpected ${list[i]}`);
  return result;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** A metric an alarm reads, with its dimensions resolved to local names. */
export interface MetricRef {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  stat: string;
  period: number;
}

/** An `AWS::CloudWatch::Alarm`, its values resolved. */
export interface AlarmDefinition {
  logicalId: string;
  /** Single metric, or metric math (`Metrics[]`: ids → metric or expression, one returning data). */
  metrics: { id: string; metric?: MetricRef; expression?: string; returnData: boolean }[];
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: string;
  treatMissingData: string;
  alarmActions: string[];
  okActions: string[];
  /** Topics notified on a transition to INSUFFICIENT_DATA (every period of the range without data). */
  insufficientDataActions: string[];
}

const toDimensions = (list: unknown): Record<string, string> =>
  Object.fromEntries(
    ((list ?? []) as { Name: string; Value: unknown }[]).map((d) => [d.Name, String(d.Value)]),
  );

/** Reads a resolved alarm resource's properties into a definition the evaluator understands. */
export function alarmDefinition(logicalId: string, p: Record<string, unknown>): AlarmDefinition {
  const evaluationPeriods = Number(p.EvaluationPeriods);
  const common = {
    logicalId,
    evaluationPeriods,
    datapointsToAlarm: p.DatapointsToAlarm === undefined ? evaluationPeriods : Number(p.DatapointsToAlarm),
    threshold: Number(p.Threshold),
    comparison: String(p.ComparisonOperator),
    treatMissingData: String(p.TreatMissingData ?? 'missing'),
    alarmActions: ((p.AlarmActions ?? []) as unknown[]).map(String),
    okActions: ((p.OKActions ?? []) as unknown[]).map(String),
    insufficientDataActions: ((p.InsufficientDataActions ?? []) as unknown[]).map(String),
  };
  if (Array.isArray(p.Metrics)) {
    const metrics = (p.Metrics as Record<string, unknown>[]).map((m) => {
      const stat = m.MetricStat as
        | {
            Metric: { Namespace: string; MetricName: string; Dimensions?: unknown };
            Period: number;
            Stat: string;
          }
        | undefined;
      return {
        id: String(m.Id),
        returnData: m.ReturnData !== false,
        ...(typeof m.Expression === 'string' ? { expression: m.Expression } : {}),
        ...(stat
          ? {
              metric: {
                namespace: stat.Metric.Namespace,
                name: stat.Metric.MetricName,
                dimensions: toDimensions(stat.Metric.Dimensions),
                stat: stat.Stat,
                period: Number(stat.Period),
              },
            }
          : {}),
      };
    });
    const period = Math.max(
      ...metrics.map((m) => m.metric?.period ?? 0),
      ...(p.Metrics as { Period?: number }[]).map((m) => Number(m.Period ?? 0)),
    );
    return { ...common, metrics, period };
  }
  const metric: MetricRef = {
    namespace: String(p.Namespace),
    name: String(p.MetricName),
    dimensions: toDimensions(p.Dimensions),
    stat: String(p.Statistic ?? p.ExtendedStatistic),
    period: Number(p.Period),
  };
  return { ...common, period: metric.period, metrics: [{ id: 'm', metric, returnData: true }] };
}

const breaches = (value: number, threshold: number, comparison: string) => {
  switch (comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      throw new Error(`the twin does not evaluate the comparison ${comparison}`);
  }
};

/** The alarm's value in the period starting at `start` (undefined: missing). */
export function periodValue(alarm: AlarmDefinition, store: MetricStore, start: number): Value {
  const end = start + alarm.period * 1000;
  const values: Record<string, Value> = {};
  for (const m of alarm.metrics) {
    if (!m.metric) continue;
    values[m.id] = statistic(
      m.metric.stat,
      store.values(m.metric.namespace, m.metric.name, m.metric.dimensions, start, end),
    );
  }
  // Expressions may refer to each other: evaluate until every one is known.
  const expressions = alarm.metrics.filter((m) => m.expression !== undefined);
  const done = new Set<string>();
  for (let round = 0; round <= expressions.length && done.size < expressions.length; round++) {
    for (const m of expressions) {
      if (done.has(m.id)) continue;
      try {
        values[m.id] = evaluateExpression(m.expression as string, values);
        done.add(m.id);
      } catch (error) {
        if (round === expressions.length) throw error;
      }
    }
  }
  // Time-series math has no datapoint where none of its inputs has one.
  const anyInput = alarm.metrics.some((m) => m.metric && values[m.id] !== undefined);
  const returned = alarm.metrics.find((m) => m.returnData);
  if (!returned) throw new Error(`alarm ${alarm.logicalId}: no metric with ReturnData`);
  if (returned.expression !== undefined && !anyInput) return undefined;
  return values[returned.id];
}

/**
 * The alarm's state at `now`, as CloudWatch evaluates it: the last EvaluationPeriods periods (the one
 * containing `now` included), DatapointsToAlarm of them breaching → ALARM; missing periods treated as
 * TreatMissingData says (`ignore` keeps the previous state when every period is missing).
 */
export function evaluateAlarm(
  alarm: AlarmDefinition,
  store: MetricStore,
  now: number,
  previous: AlarmState,
): { state: AlarmState; values: Value[] } {
  const periodMs = alarm.period * 1000;
  const current = Math.floor(now / periodMs) * periodMs;
  const values: Value[] = [];
  for (let k = alarm.evaluationPeriods - 1; k >= 0; k--)
    values.push(periodValue(alarm, store, current - k * periodMs));
  let breaching = 0;
  let present = 0;
  for (const value of values) {
    if (value === undefined) {
      if (alarm.treatMissingData === 'breaching') breaching++;
      if (alarm.treatMissingData === 'breaching' || alarm.treatMissingData === 'notBreaching') present++;
      continue;
    }
    present++;
    if (breaches(value, alarm.threshold, alarm.comparison)) breaching++;
  }
  if (breaching >= alarm.datapointsToAlarm) return { state: 'ALARM', values };
  if (present === 0)
    return { state: alarm.treatMissingData === 'ignore' ? previous : 'INSUFFICIENT_DATA', values };
  return { state: 'OK', values };
}

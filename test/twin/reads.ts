import type { MetricStore } from './cloudwatch';
import type { Twin } from './twin';

/** A metric an alarm or a dashboard widget reads: exact (namespace, name, dimensions) or a SEARCH. */
export interface MetricRead {
  reader: string;
  namespace: string;
  name: string;
  /** Exact dimensions; for a SEARCH, the dimension keys of its schema and the values it filters on. */
  dimensions: Record<string, string>;
  searchKeys?: string[];
}

/** Everything the template's alarms and dashboards read. */
export function metricReads(twin: Twin): MetricRead[] {
  const reads: MetricRead[] = [];
  for (const alarm of twin.alarms)
    for (const m of alarm.metrics)
      if (m.metric)
        reads.push({
          reader: `alarm ${alarm.logicalId}`,
          namespace: m.metric.namespace,
          name: m.metric.name,
          dimensions: m.metric.dimensions,
        });
  for (const [logicalId, p] of twin.resolver.ofType('AWS::CloudWatch::Dashboard')) {
    const body = JSON.parse(twin.resolver.string(p.DashboardBody)) as {
      widgets: { properties?: { title?: string; metrics?: unknown[][] } }[];
    };
    for (const widget of body.widgets) {
      const reader = `dashboard ${logicalId} widget ${JSON.stringify(widget.properties?.title ?? '')}`;
      let previous: unknown[] = [];
      for (const row of widget.properties?.metrics ?? []) {
        const options = row.find((item) => typeof item === 'object' && item !== null) as
          | { expression?: string }
          | undefined;
        if (options?.expression !== undefined) {
          for (const search of options.expression.matchAll(/SEARCH\('\{([^}]*)\}([^']*)'/g)) {
            const [namespace, ...keys] = (search[1] as string).split(',');
            const filters = Object.fromEntries(
              [...(search[2] as string).matchAll(/(\w+)="([^"]*)"/g)].map((f) => [
                f[1] as string,
                f[2] as string,
              ]),
            );
            const { MetricName, ...dimensions } = filters;
            reads.push({
              reader,
              namespace: namespace as string,
              name: String(MetricName),
              dimensions,
              searchKeys: keys,
            });
          }
          continue;
        }
        // Rows may repeat the previous row's items with ".".
        const items = row
          .filter((item) => typeof item !== 'object')
          .map((item, i) => (item === '.' ? previous[i] : item));
        previous = items;
        const [namespace, name, ...pairs] = items.map(String);
        const dimensions: Record<string, string> = {};
        for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i] as string] = pairs[i + 1] as string;
        reads.push({ reader, namespace: namespace as string, name: name as string, dimensions });
      }
    }
  }
  return reads;
}

/** Whether some datapoint satisfies the read: same dimensions exactly, or (SEARCH) the same key set and filters. */
export function isSatisfied(read: MetricRead, store: MetricStore): boolean {
  if (!read.searchKeys) return store.has(read.namespace, read.name, read.dimensions);
  const keys = [...read.searchKeys].sort().join(',');
  return store.points.some(
    (p) =>
      p.namespace === read.namespace &&
      p.name === read.name &&
      Object.keys(p.dimensions).sort().join(',') === keys &&
      Object.entries(read.dimensions).every(([key, value]) => p.dimensions[key] === value),
  );
}

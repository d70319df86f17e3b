import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type HygieneMetrics, type HygieneReport, LEVEL_VALUE } from './hygiene';

/** The account's rows carry this identity dimension, next to the real identities. */
export const ACCOUNT_DIMENSION = 'ACCOUNT';

/**
 * Rates per identity and window as EMF metrics (`BounceRate`, `ComplaintRate`, `Sent`, `Level`;
 * dimensions `Identity`, `Window`), plus a `Heartbeat` every run so a missing run can alarm.
 */
export function powertoolsHygieneMetrics(metrics: Metrics): HygieneMetrics {
  return {
    publish(report: HygieneReport) {
      for (const window of report.windows) {
        for (const row of [{ identity: ACCOUNT_DIMENSION, ...window.account }, ...window.identities]) {
          const single = metrics.singleMetric();
          single.addDimensions({ Identity: row.identity, Window: window.window.name });
          single.addMetric('BounceRate', MetricUnit.Percent, row.bounceRate * 100);
          single.addMetric('ComplaintRate', MetricUnit.Percent, row.complaintRate * 100);
          single.addMetric('Sent', MetricUnit.Count, row.sent);
          single.addMetric('Level', MetricUnit.NoUnit, LEVEL_VALUE[row.level]);
          single.publishStoredMetrics();
        }
      }
      metrics.addMetric('Heartbeat', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    },
  };
}

import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { identityDimension } from '../../shared/core/bounds';
import { type HygieneMetrics, type HygieneReport, LEVEL_VALUE } from './hygiene';

/** The account's rows carry this identity dimension, next to the real identities. */
export const ACCOUNT_DIMENSION = 'ACCOUNT';

/**
 * Rates per identity and window as EMF metrics (`BounceRate`, `ComplaintRate`, `Sent`, `Level`;
 * dimensions `Identity`, `Window`), one EMF document per row; the same per mailbox provider
 * (dimensions `Provider`, `Window`; the provider set is fixed, so the dimension is bounded); and a
 * `Heartbeat` every run so a missing run can alarm. (Sender-side failures per provider go out from
 * the processor as they happen, for an hourly alarm.)
 *
 * Not `singleMetric()`: it publishes at its first `addMetric` and clears its dimensions, so every
 * metric after the first would go out without `Identity` and `Window` (and no alarm would see it).
 * `publishStoredMetrics()` flushes the four together and clears the row's dimensions for the next.
 */
export function powertoolsHygieneMetrics(metrics: Metrics): HygieneMetrics {
  return {
    publish(report: HygieneReport) {
      for (const window of report.windows) {
        for (const row of [{ identity: ACCOUNT_DIMENSION, ...window.account }, ...window.identities]) {
          // An identity can be an email address (PII): identityDimension hashes those; the alarms
          // (infra/constructs/monitoring.ts) read the same function's output.
          metrics.addDimensions({ Identity: identityDimension(row.identity), Window: window.window.name });
          metrics.addMetric('BounceRate', MetricUnit.Percent, row.bounceRate * 100);
          metrics.addMetric('ComplaintRate', MetricUnit.Percent, row.complaintRate * 100);
          metrics.addMetric('Sent', MetricUnit.Count, row.sent);
          metrics.addMetric('Level', MetricUnit.NoUnit, LEVEL_VALUE[row.level]);
          metrics.publishStoredMetrics();
        }
        for (const row of window.providers) {
          metrics.addDimensions({ Provider: row.provider, Window: window.window.name });
          metrics.addMetric('BounceRate', MetricUnit.Percent, row.bounceRate * 100);
          metrics.addMetric('ComplaintRate', MetricUnit.Percent, row.complaintRate * 100);
          metrics.addMetric('Sent', MetricUnit.Count, row.sent);
          metrics.addMetric('Level', MetricUnit.NoUnit, LEVEL_VALUE[row.level]);
          metrics.publishStoredMetrics();
        }
      }
      metrics.addMetric('Heartbeat', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    },
  };
}

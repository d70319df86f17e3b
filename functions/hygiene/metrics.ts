import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { identityDimension } from '../../shared/core/bounds';
import { type HygieneMetrics, type HygieneReport, LEVEL_VALUE } from './hygiene';

/** The account's rows carry this identity dimension, next to the real identities. */
export const ACCOUNT_DIMENSION = 'ACCOUNT';

/**
 * The worst rate over the tenants not given their own alarms (`tenants` setting), among those at or
 * above the minimum volume, per window: every tenant is covered by one dimensionless metric pair,
 * however many tenants there are.
 */
export const UNLISTED_TENANT_METRICS = {
  BounceRate: 'UnlistedTenantMaxBounceRate',
  ComplaintRate: 'UnlistedTenantMaxComplaintRate',
} as const;

/**
 * Rates per identity and window as EMF metrics (`BounceRate`, `ComplaintRate`, `Sent`, `Level`;
 * dimensions `Identity`, `Window`), one EMF document per row; the same per mailbox provider
 * (dimensions `Provider`, `Window`; the provider set is fixed, so the dimension is bounded); the same
 * per configured SES tenant (dimensions `Tenant`, `Window`) and, for all other tenants, only their
 * worst rates ({@link UNLISTED_TENANT_METRICS}, dimension `Window`); and a
 * `Heartbeat` every run so a missing run can alarm. (Sender-side failures per provider go out from
 * the processor as they happen, for an hourly alarm.)
 *
 * Not `singleMetric()`: it publishes at its first `addMetric` and clears its dimensions, so every
 * metric after the first would go out without `Identity` and `Window` (and no alarm would see it).
 * `publishStoredMetrics()` flushes the four together and clears the row's dimensions for the next.
 */
export function powertoolsHygieneMetrics(
  metrics: Metrics,
  { tenants = [] }: { tenants?: readonly string[] } = {},
): HygieneMetrics {
  // Tenant-dimension metrics only for the configured tenants: CloudWatch bills each metric (name and
  // dimension values) on its own, and a platform's tenants are unbounded. The rest: the maxima below.
  const listed = new Set(tenants);
  /** One row's four figures under its dimensions, flushed together. */
  const publishRow = (
    dimensions: Record<string, string>,
    row: { bounceRate: number; complaintRate: number; sent: number; level: keyof typeof LEVEL_VALUE },
  ) => {
    metrics.addDimensions(dimensions);
    metrics.addMetric('BounceRate', MetricUnit.Percent, row.bounceRate * 100);
    metrics.addMetric('ComplaintRate', MetricUnit.Percent, row.complaintRate * 100);
    metrics.addMetric('Sent', MetricUnit.Count, row.sent);
    metrics.addMetric('Level', MetricUnit.NoUnit, LEVEL_VALUE[row.level]);
    metrics.publishStoredMetrics();
  };
  return {
    publish(report: HygieneReport) {
      for (const window of report.windows) {
        let worstBounce = 0;
        let worstComplaint = 0;
        for (const row of window.tenants) {
          if (!listed.has(row.tenant)) {
            if (row.level !== 'low-volume') {
              worstBounce = Math.max(worstBounce, row.bounceRate);
              worstComplaint = Math.max(worstComplaint, row.complaintRate);
            }
            continue;
          }
          publishRow({ Tenant: row.tenant, Window: window.window.name }, row);
        }
        // Every run that saw any tenant, 0 included (the alarms then read data, not silence); an
        // account that sends through no tenant pays for no tenant metric.
        if (window.tenants.length > 0) {
          metrics.addDimensions({ Window: window.window.name });
          metrics.addMetric(UNLISTED_TENANT_METRICS.BounceRate, MetricUnit.Percent, worstBounce * 100);
          metrics.addMetric(UNLISTED_TENANT_METRICS.ComplaintRate, MetricUnit.Percent, worstComplaint * 100);
          metrics.publishStoredMetrics();
        }
        for (const row of [{ identity: ACCOUNT_DIMENSION, ...window.account }, ...window.identities]) {
          // An identity can be an email address (PII): identityDimension hashes those; the alarms
          // (infra/constructs/monitoring.ts) read the same function's output.
          publishRow({ Identity: identityDimension(row.identity), Window: window.window.name }, row);
        }
        for (const row of window.providers) {
          publishRow({ Provider: row.provider, Window: window.window.name }, row);
        }
      }
      metrics.addMetric('Heartbeat', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    },
  };
}

import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { identityDimension } from '../../shared/core/bounds';
import type { BatchMetrics, ProcessorMetrics } from './processor';

const count = (metrics: Metrics, name: string, value: number) =>
  metrics.addMetric(name, MetricUnit.Count, value);

/**
 * Publishes a batch's figures as CloudWatch metrics in EMF through Powertools: record counts, recipient
 * decisions by decision and reason, sender-side failures by identity and reason, and by mailbox
 * provider (dimension `Provider`, a fixed set: the per-provider alarms' input).
 */
export function powertoolsMetrics(metrics: Metrics): ProcessorMetrics {
  return {
    publish(batch: BatchMetrics) {
      count(metrics, 'RecordsProcessed', batch.processed);
      count(metrics, 'RecordsFailed', batch.failed);
      count(metrics, 'StoreGiveUps', batch.gaveUp);
      count(metrics, 'RecordsIgnored', batch.ignored);
      // Recipients kept by hash because no address could be read from them (see `bounce lookup`).
      count(metrics, 'UnreadableRecipients', batch.unreadableRecipients);
      // The total (service dimension only) is what the sender-side spike alarm watches.
      count(
        metrics,
        'SenderSideFailures',
        batch.senderSide.reduce((n, entry) => n + entry.count, 0),
      );
      metrics.publishStoredMetrics();
      for (const { decision, reason, count: n } of batch.decisions) {
        const single = metrics.singleMetric();
        single.addDimensions({ Decision: decision, Reason: reason });
        count(single, 'RecipientDecisions', n);
      }
      for (const { identity, reason, count: n } of batch.senderSide) {
        const single = metrics.singleMetric();
        // An identity can be an email address (PII): identityDimension hashes those.
        single.addDimensions({ Identity: identityDimension(identity), Reason: reason });
        count(single, 'SenderSideFailures', n);
      }
      for (const { provider, count: n } of batch.providerSenderSide ?? []) {
        const single = metrics.singleMetric();
        single.addDimensions({ Provider: provider });
        count(single, 'SenderSideFailures', n);
      }
    },
  };
}

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { hashAddress, InvalidAddressError } from '../../shared/core/address';
import { identityDimension } from '../../shared/core/bounds';
import {
  type AddressEvent,
  type Classifier,
  readMessage,
  type UnreadableRecipient,
} from '../../shared/core/events';
import { identityOf, parseMessageBody, tenantOf } from '../../shared/core/notification';
import { type Provider, providersOfMessage } from '../../shared/core/providers';
import { HourlyTally } from '../../shared/core/rates';
import { redactAddresses } from '../../shared/core/redact';
import type {
  RateCounterStore,
  SendLedger,
  SuppressionStore,
  UnreadableRecipientStore,
} from '../../shared/ports';
import { KeyedSerializer } from './keyed';

/** A batch's figures, for CloudWatch metrics (counted over new events only: duplicates count once). */
export interface BatchMetrics {
  processed: number;
  failed: number;
  /**
   * Of the failed records, those the store gave up on (an address that kept changing under it until
   * the time budget ran out, or no time left to start): nothing was dropped, SQS redelivers them,
   * but a steady count means contention or a too-short timeout (the StoreGiveUps alarm).
   */
  gaveUp: number;
  ignored: number;
  /** Recipients kept as unreadable (newly: a redelivery does not count them again). */
  unreadableRecipients: number;
  decisions: { decision: string; reason: string; count: number }[];
  senderSide: { identity: string; reason: string; count: number }[];
  /** Sender-side failures per mailbox provider (./providers) the batch reached (0 included), for the per-provider alarms. */
  providerSenderSide?: { provider: Provider; count: number }[];
}

export interface ProcessorMetrics {
  publish(batch: BatchMetrics): void;
}

export const NO_METRICS: ProcessorMetrics = { publish: () => {} };

export interface ProcessorDependencies {
  store: SuppressionStore;
  classify: Classifier;
  logger: Logger;
  metrics?: ProcessorMetrics;
  /** Hourly per-identity counters for the hygiene job's rates; absent: not counted. */
  counters?: RateCounterStore;
  /**
   * Where recipients whose address cannot be read are kept (by hash). Absent: such a recipient
   * fails its record once its co-recipients are applied, so SQS redelivers it and then dead-letters it.
   */
  unreadable?: UnreadableRecipientStore;
  /**
   * Send events already counted (by SES message id), so a Send that arrives twice (SNS and
   * EventBridge with `ingest: both`, a redelivery, a replay) counts once. Absent: every Send counts.
   */
  sends?: SendLedger;
  /**
   * Of the invocation's remaining time (`context.getRemainingTimeInMillis()`), how much is kept back
   * from the records: what is left when it starts is what the function needs to report the batch
   * response and publish metrics before Lambda's timeout. @default 3000
   */
  timeReserveMs?: number;
}

/** A record not started (or given up) because the invocation's time budget ran out; SQS redelivers it alone. */
export class OutOfTimeError extends Error {
  override readonly name = 'OutOfTimeError';
}

/** A record parsed and classified, not yet written: what it will write, by normalised address. */
type Planned =
  | { kind: 'done'; outcome: RecordOutcome }
  | {
      kind: 'apply';
      message: Parameters<typeof readMessage>[0];
      byAddress: Map<string, AddressEvent[]>;
      unreadable: UnreadableRecipient[];
      /** Each address's mailbox provider (./providers), for the per-provider rate counters. */
      providers: Map<string, Provider>;
    }
  | { kind: 'invalid'; error: unknown };

/** What one record did, for logs and for the CLI's summary. */
export type RecordOutcome =
  | { kind: 'ignored'; eventType: string; why: string }
  | {
      kind: 'send';
      identity: string;
      at: string;
      /** Recipients counted as sent: 0 for a Send counted before (see `duplicate`). */
      recipients: number;
      messageId: string;
      /** The SES tenant it was sent through (see tenantOf); absent: none. */
      tenant?: string;
      /** This message's Send was counted already (it came again, by another path or a redelivery). */
      duplicate?: boolean;
    }
  | {
      kind: 'applied';
      messageKind: 'bounce' | 'complaint' | 'delivery';
      addresses: number;
      /** Events that were new to the store (duplicates excluded). */
      newEvents: AddressEvent[];
      /** Unreadable recipients newly kept (by hash). */
      unreadable: number;
      /** The mailbox provider of each new event, by event id. */
      providers?: Map<string, Provider>;
    };

/** Errors by which the store (or the time budget) gives a record up: it fails, and SQS redelivers it. */
const GIVE_UPS: ReadonlySet<string> = new Set(['ConcurrentUpdateError', 'OutOfTimeError']);

function batchMetrics(outcomes: Iterable<RecordOutcome>, failed: number, gaveUp: number): BatchMetrics {
  const decisions = new Map<string, BatchMetrics['decisions'][number]>();
  const senderSide = new Map<string, BatchMetrics['senderSide'][number]>();
  const byProvider = new Map<Provider, number>();
  let processed = 0;
  let ignored = 0;
  let unreadableRecipients = 0;
  for (const outcome of outcomes) {
    processed++;
    if (outcome.kind === 'ignored') {
      ignored++;
      continue;
    }
    if (outcome.kind === 'send') continue;
    unreadableRecipients += outcome.unreadable;
    for (const event of outcome.newEvents) {
      // Every provider the batch reached gets a figure, 0 included: its alarm then reads data, not silence.
      const provider = outcome.providers?.get(event.id);
      if (provider !== undefined && !byProvider.has(provider)) byProvider.set(provider, 0);
      if (event.type !== 'bounce') continue;
      const { decision, reason, party } = event.classification;
      const entry = decisions.get(`${decision}|${reason}`) ?? { decision, reason, count: 0 };
      entry.count++;
      decisions.set(`${decision}|${reason}`, entry);
      if (party !== 'sender') continue;
      const sender = senderSide.get(`${event.identity}|${reason}`) ?? {
        identity: event.identity,
        reason,
        count: 0,
      };
      sender.count++;
      senderSide.set(`${event.identity}|${reason}`, sender);
      if (provider !== undefined) byProvider.set(provider, (byProvider.get(provider) ?? 0) + 1);
    }
  }
  return {
    processed,
    failed,
    gaveUp,
    ignored,
    unreadableRecipients,
    decisions: [...decisions.values()],
    senderSide: [...senderSide.values()],
    providerSenderSide: [...byProvider].map(([provider, count]) => ({ provider, count })),
  };
}

export interface BatchResult {
  response: SQSBatchResponse;
  /** Error message per failed record (by SQS messageId), unredacted: for the operator's own terminal only. */
  failures: Map<string, string>;
  outcomes: Map<string, RecordOutcome>;
}

/**
 * The processor's core loop, with its dependencies injected: parse → classify → persist, per SQS
 * record. A record that throws becomes a batch item failure (SQS redelivers it, then the DLQ);
 * the other records of the batch still land.
 */
export function createProcessor({
  store,
  classify,
  logger,
  metrics = NO_METRICS,
  counters,
  unreadable: unreadableStore,
  sends,
  timeReserveMs = 3000,
}: ProcessorDependencies) {
  const batchProcessor = new BatchProcessor(EventType.SQS);

  /** Parses and classifies one record (pure, synchronous): what it writes, or why it writes nothing. */
  function planRecord(record: SQSRecord): Planned {
    try {
      const message = parseMessageBody(record.body);
      if (message.kind === 'ignored') {
        logger.info('message acknowledged and ignored', { eventType: message.eventType, why: message.why });
        return { kind: 'done', outcome: message };
      }
      if (message.kind === 'send') {
        const recipients = message.mail.destination?.length ?? 0;
        const tenant = tenantOf(message.mail);
        const outcome: RecordOutcome = {
          kind: 'send',
          identity: identityOf(message.mail),
          at: message.mail.timestamp,
          recipients,
          messageId: message.mail.messageId,
          ...(tenant !== undefined ? { tenant } : {}),
        };
        return { kind: 'done', outcome };
      }
      const { byAddress, unreadable, addresses } = readMessage(message, classify);
      // The addresses readMessage normalised, not a second normalisation of each recipient.
      const providers = providersOfMessage(message, (raw) => addresses.get(raw));
      return { kind: 'apply', message, byAddress, unreadable, providers };
    } catch (error) {
      return { kind: 'invalid', error };
    }
  }

  async function applyPlanned(planned: Planned, deadline?: number): Promise<RecordOutcome> {
    if (planned.kind === 'invalid') throw planned.error;
    if (planned.kind === 'done') return countOnce(planned.outcome);
    const { message, byAddress, unreadable } = planned;
    const newEvents: AddressEvent[] = [];
    const providers = new Map<string, Provider>();
    for (const [address, events] of byAddress) {
      if (deadline !== undefined && Date.now() >= deadline) {
        throw new OutOfTimeError(
          `address ${hashAddress(address)} not written: the invocation's time budget ran out; SQS redelivers this record`,
        );
      }
      const result = await store.applyEvents(address, events, deadline === undefined ? {} : { deadline });
      newEvents.push(...result.addedEvents);
      const provider = planned.providers.get(address);
      if (provider !== undefined) for (const added of result.addedEvents) providers.set(added.id, provider);
      logger.info('address updated', {
        address: hashAddress(address),
        kind: message.kind,
        decisions: events.map((event) =>
          event.type === 'bounce' ? event.classification.decision : event.type,
        ),
        rules: events.flatMap((event) => (event.type === 'bounce' ? [event.classification.rule] : [])),
        before: result.before.status,
        after: result.after.status,
        duplicate: result.added === 0,
      });
    }
    const kept = await keepUnreadable(unreadable);
    return {
      kind: 'applied',
      messageKind: message.kind,
      addresses: byAddress.size,
      newEvents,
      unreadable: kept,
      providers,
    };
  }

  /** A Send outcome whose message was counted before becomes a duplicate that counts nothing. */
  async function countOnce(outcome: RecordOutcome): Promise<RecordOutcome> {
    if (outcome.kind !== 'send' || !sends || outcome.recipients === 0) return outcome;
    if (await sends.firstSeen(outcome.messageId, outcome.at)) return outcome;
    logger.info('send counted before; not counted again', { messageId: outcome.messageId });
    return { ...outcome, recipients: 0, duplicate: true };
  }

  /**
   * Keeps the recipients no address could be read from (after their co-recipients landed): by hash,
   * in the store; without one, the first fails the record (it is not dropped: SQS redelivers it).
   */
  async function keepUnreadable(entries: readonly UnreadableRecipient[]): Promise<number> {
    let kept = 0;
    for (const entry of entries) {
      if (!unreadableStore) throw new InvalidAddressError(entry.problem);
      const { added } = await unreadableStore.record(entry);
      if (added) kept++;
      logger.warn('unreadable recipient kept by hash; its co-recipients were applied', {
        recipient: entry.hash,
        kind: entry.kind,
        problem: entry.problem,
        duplicate: !added,
      });
    }
    return kept;
  }

  /** One record on its own (no batch): parse → classify → persist. */
  async function processRecord(record: SQSRecord): Promise<RecordOutcome> {
    return applyPlanned(planRecord(record));
  }

  async function processBatch(event: SQSEvent, context?: Context): Promise<BatchResult> {
    const failures = new Map<string, string>();
    const outcomes = new Map<string, RecordOutcome>();
    let gaveUp = 0;
    const remaining = context?.getRemainingTimeInMillis?.();
    const deadline = typeof remaining === 'number' ? Date.now() + remaining - timeReserveMs : undefined;
    // Every record is planned and its addresses reserved up front, in batch order, before any runs:
    // records sharing an address then apply one after another in batch order (no conflict between
    // records of one batch), records of different addresses concurrently.
    const serializer = new KeyedSerializer();
    // A list per record object: the same object twice in a batch gets two plans, taken in order.
    const scheduled = new Map<
      SQSRecord,
      { plan: Planned; turn: <T>(work: () => Promise<T>) => Promise<T> }[]
    >();
    for (const record of event.Records) {
      const plan = planRecord(record);
      const turn = serializer.reserve(plan.kind === 'apply' ? plan.byAddress.keys() : []);
      scheduled.set(record, [...(scheduled.get(record) ?? []), { plan, turn }]);
    }
    const run = async (record: SQSRecord): Promise<RecordOutcome> => {
      const next = scheduled.get(record)?.shift();
      // Powertools hands the records over as they are; were it ever to copy them, plan afresh.
      if (next === undefined) return applyPlanned(planRecord(record), deadline);
      return next.turn(() => applyPlanned(next.plan, deadline));
    };
    const recordHandler = async (record: SQSRecord) => {
      try {
        outcomes.set(record.messageId, await run(record));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.set(record.messageId, message);
        if (error instanceof Error && GIVE_UPS.has(error.name)) gaveUp++;
        logger.error('record failed; SQS will redeliver it, then move it to the DLQ', {
          messageId: record.messageId,
          receiveCount: record.attributes?.ApproximateReceiveCount,
          errorName: error instanceof Error ? error.name : typeof error,
          error: redactAddresses(message),
        });
        throw error;
      }
    };
    const response = await processPartialResponse(event, recordHandler, batchProcessor, {
      ...(context ? { context } : {}),
      // A batch where every record failed is still a partial response: each record retries on its own.
      throwOnFullBatchFailure: false,
    });
    metrics.publish(batchMetrics(outcomes.values(), failures.size, gaveUp));
    if (counters) await countBatch(counters, outcomes.values());
    return { response, failures, outcomes };
  }

  /**
   * One counter write per identity-hour per batch, for what this batch added (duplicates were
   * dropped by the store, so they do not count twice). Counting happens after the records landed:
   * failing them now would not recount them on redelivery, so a failed write is logged with its
   * figures (at error level, for the alarm on processor errors) instead of failing the batch.
   */
  async function countBatch(counterStore: RateCounterStore, done: Iterable<RecordOutcome>) {
    const tally = new HourlyTally();
    for (const outcome of done) {
      if (outcome.kind === 'send')
        tally.addSend(outcome.identity, outcome.at, outcome.recipients, outcome.tenant);
      else if (outcome.kind === 'applied')
        tally.addEvents(outcome.newEvents, (event) => outcome.providers?.get(event.id));
    }
    const counts = tally.counts();
    const tenants = tally.tenantCounts();
    if (counts.length === 0 && tenants.length === 0) return;
    try {
      await counterStore.add(counts, tenants);
    } catch (error) {
      logger.error('rate counters not written; these figures are missing from the bounce rates', {
        error: error instanceof Error ? error.message : String(error),
        // An identity can be an email address (PII): named as the metrics name it.
        counts: counts.map((count) => ({ ...count, identity: identityDimension(count.identity) })),
        tenants,
      });
    }
  }

  const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
    (await processBatch(event, context)).response;

  return { processRecord, processBatch, handler };
}

import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { HistoryEvent } from '../../core/events';
import type { AddressState } from '../../core/state';
import type { AuditEntry } from '../../ports';
import { AUDIT_SK_PREFIX, addressOfPk, STATE_SK } from './schema';

/** One address as the table knows it: its state item's state and its whole audit trail. */
export interface AddressHistory {
  address: string;
  /** Absent when only audit items are left (a state item deleted by hand, or its TTL). */
  stored?: AddressState;
  /** Every audit entry of the address (event, before, after), oldest first. */
  audit: AuditEntry[];
  /** The audited events themselves, oldest first (what a replay folds). */
  events: HistoryEvent[];
}

interface ScannedItem {
  pk: string;
  sk: string;
  state?: AddressState;
  event?: HistoryEvent;
  before?: AddressState;
  after?: AddressState;
}

/**
 * Every address of the table with its audit trail, read with one paginated Scan (state and audit
 * items alike; other items such as rate counters are skipped), grouped in memory by address. For
 * reports and policy simulation: one pass over the table, never a Query per address, never a write.
 */
export async function readHistories(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<AddressHistory[]> {
  const byAddress = new Map<string, AddressHistory>();
  const entry = (pk: string) => {
    let history = byAddress.get(pk);
    if (!history) {
      history = { address: addressOfPk(pk), audit: [], events: [] };
      byAddress.set(pk, history);
    }
    return history;
  };
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: 'begins_with(pk, :addr)',
      ExpressionAttributeValues: { ':addr': 'ADDR#' },
      ProjectionExpression: 'pk, sk, #state, #event, #before, #after',
      ExpressionAttributeNames: {
        '#state': 'state',
        '#event': 'event',
        '#before': 'before',
        '#after': 'after',
      },
    },
  );
  for await (const page of pages) {
    for (const item of (page.Items ?? []) as ScannedItem[]) {
      if (item.sk === STATE_SK && item.state !== undefined) entry(item.pk).stored = item.state;
      else if (item.sk.startsWith(AUDIT_SK_PREFIX) && item.event !== undefined) {
        entry(item.pk).audit.push({
          event: item.event,
          before: item.before ?? { status: 'clear' },
          after: item.after ?? { status: 'clear' },
        });
      }
    }
  }
  const histories = [...byAddress.values()].sort((a, b) =>
    a.address < b.address ? -1 : a.address > b.address ? 1 : 0,
  );
  for (const history of histories) {
    history.audit.sort((a, b) => {
      const x = `${a.event.at}|${a.event.id}`;
      const y = `${b.event.at}|${b.event.id}`;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    history.events = history.audit.map((a) => a.event);
  }
  return histories;
}

/**
 * DynamoDB requests per bounced recipient, counted by SDK middleware (every command the client
 * sends, SDK retries included), over a realistic bounce replay through the real processor on dynalite
 * in this process; and the average stored size of state and audit items (DynamoDB's item-size
 * rules applied to the marshalled items), for cost estimates.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { type AttributeValue, paginateScan } from '@aws-sdk/client-dynamodb';
import { startEmbeddedEngine } from '../cli/embedded';
import { toSqsEvent, toSqsRecord } from '../cli/sqs';
import { createProcessor } from '../functions/processor/processor';
import { createLocalDynamoDbConnection } from '../shared/adapters/dynamodb/client';
import { DynamoDbRateCounters } from '../shared/adapters/dynamodb/counters';
import { STATE_SK } from '../shared/adapters/dynamodb/schema';
import { DynamoDbSuppressionStore } from '../shared/adapters/dynamodb/store';
import { ensureTable } from '../shared/adapters/dynamodb/table';
import { classify } from '../shared/core/classify';
import { notificationStream } from '../test/support/stream';

export interface RequestFigures {
  notifications: number;
  bouncedRecipients: number;
  /** Commands by name over the whole replay. */
  commands: Record<string, number>;
  readsPerRecipient: number;
  /** PutItem (audit + state) per recipient. */
  putsPerRecipient: number;
  /** UpdateItem (hourly rate counters, one per identity-hour per batch) per recipient. */
  counterUpdatesPerRecipient: number;
  stateItems: number;
  auditItems: number;
  avgStateItemBytes: number;
  maxStateItemBytes: number;
  avgAuditItemBytes: number;
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** DynamoDB's item size rules: names + values; numbers ≈ 1 byte per 2 significant digits + 1; maps and lists +3 and +1 per element. */
export function attributeSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.B !== undefined) return value.B.length;
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + utf8(k) + attributeSize(v) + 1, 0);
  }
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + attributeSize(v) + 1, 0);
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + n.length, 0);
  return 0;
}

export const itemSize = (item: Record<string, AttributeValue>) =>
  Object.entries(item).reduce((sum, [k, v]) => sum + utf8(k) + attributeSize(v), 0);

const isBounce = (body: string) =>
  (JSON.parse((JSON.parse(body) as { Message: string }).Message) as { notificationType?: string })
    .notificationType === 'Bounce';

export async function measureRequests(notifications: number): Promise<RequestFigures> {
  const engine = await startEmbeddedEngine(undefined);
  const { client, documentClient } = createLocalDynamoDbConnection(engine.endpoint, 'us-east-1');
  try {
    const tableName = 'bench-requests';
    await ensureTable(client, tableName, { enableTtl: false });
    const commands: Record<string, number> = {};
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? '?').replace(/Command$/, '');
        commands[name] = (commands[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'benchCountCommands' },
    );
    // A realistic stream (repeat bounces for the same addresses, multi-recipient bounces, sender-side
    // blocks), bounces only: the figure is per bounced recipient.
    const bodies = notificationStream(notifications, Math.max(10, Math.round(notifications / 4)), 11).filter(
      isBounce,
    );
    const bouncedRecipients = bodies.reduce(
      (n, body) =>
        n +
        (
          JSON.parse((JSON.parse(body) as { Message: string }).Message) as {
            bounce: { bouncedRecipients: unknown[] };
          }
        ).bounce.bouncedRecipients.length,
      0,
    );
    const processor = createProcessor({
      store: new DynamoDbSuppressionStore(documentClient, tableName),
      counters: new DynamoDbRateCounters(documentClient, tableName),
      classify: (input) => classify(input),
      logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
    });
    for (let i = 0; i < bodies.length; i += 10) {
      const batch = bodies.slice(i, i + 10).map((body, j) => toSqsRecord(body, `m${i + j}`));
      const { response } = await processor.processBatch(toSqsEvent(batch));
      if (response.batchItemFailures.length > 0) throw new Error('bench replay: a record failed');
    }
    const counted = { ...commands };
    const state: number[] = [];
    const audit: number[] = [];
    for await (const page of paginateScan({ client }, { TableName: tableName })) {
      for (const item of page.Items ?? []) {
        const sk = item.sk?.S ?? '';
        const pk = item.pk?.S ?? '';
        if (sk === STATE_SK) state.push(itemSize(item));
        else if (pk.startsWith('ADDR#')) audit.push(itemSize(item));
      }
    }
    const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
    const per = (n: number | undefined) => Math.round(((n ?? 0) / bouncedRecipients) * 100) / 100;
    return {
      notifications: bodies.length,
      bouncedRecipients,
      commands: counted,
      readsPerRecipient: per(counted.GetItem),
      putsPerRecipient: per(counted.PutItem),
      counterUpdatesPerRecipient: per(counted.UpdateItem),
      stateItems: state.length,
      auditItems: audit.length,
      avgStateItemBytes: avg(state),
      maxStateItemBytes: Math.max(0, ...state),
      avgAuditItemBytes: avg(audit),
    };
  } finally {
    client.destroy();
    await engine.close();
  }
}

/**
 * The fault-free reference run in its own process, so it runs beside the faulty one on the second
 * core. Argument: one JSON object {endpoint, tableName, notifications, addressCount, seed, lanes,
 * counters}. Prints `DONE {DeliveryResult}`.
 */
import { createLocalDynamoDbConnection } from '../../shared/adapters/dynamodb/client';
import { notificationStream } from '../support/stream';
import { deliverUntilDone } from './deliver';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  endpoint: string;
  tableName: string;
  notifications: number;
  addressCount: number;
  seed: number;
  lanes: number;
  counters: boolean;
};
const connection = createLocalDynamoDbConnection(args.endpoint, 'us-east-1');
const result = await deliverUntilDone(
  connection,
  args.tableName,
  notificationStream(args.notifications, args.addressCount, args.seed),
  { lanes: args.lanes, maxRounds: 1, seed: args.seed, counters: args.counters },
);
connection.client.destroy();
console.log(`DONE ${JSON.stringify(result)}`);

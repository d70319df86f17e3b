/**
 * The three readers of suppression scope `tenant`, pointed at a twin's table: the SuppressionClient,
 * the SESv2Client guard (a real SESv2Client sending to a local endpoint that records what would
 * have reached SES), and the `bounce` CLI (`lookup|export --tenant` through `--endpoint`).
 */
import { createServer } from 'node:http';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { listenOnLoopback } from '../../cli/embedded';
import { SuppressionClient, suppressionGuard } from '../../shared/client/index';
import { runBounceOk } from '../support/cli';
import type { TestEngine } from '../support/engine';
import { REGION } from './resolve';

/** Whether each address may be mailed through `tenant` (undefined: no tenant), per reader. */
export interface ReaderAnswers {
  client: boolean[];
  guard: boolean[];
  lookup: boolean[];
  export: boolean[];
}

export async function readersOf(engine: TestEngine, tableName: string, now: string) {
  const client = new SuppressionClient({
    client: engine.connection.documentClient,
    tableName,
    now: () => new Date(now),
  });
  const received: string[][] = [];
  const server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    const body = JSON.parse(text || '{}') as { Destination?: { ToAddresses?: string[] } };
    received.push(body.Destination?.ToAddresses ?? []);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ MessageId: 'twin' }));
  });
  const endpoint = await listenOnLoopback(server);
  const ses = new SESv2Client({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  ses.middlewareStack.use(suppressionGuard({ client }));
  const cliArgs = ['--endpoint', engine.endpoint, '--table', tableName, '--region', REGION, '--now', now];
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
  const bounce = async (args: string[]) => (await runBounceOk([...args, ...cliArgs], { env })).stdout;

  async function answers(addresses: string[], tenant: string | undefined): Promise<ReaderAnswers> {
    const named = tenant === undefined ? [] : ['--tenant', tenant];
    const checked = await client.check(addresses, tenant === undefined ? {} : { tenant });
    received.length = 0;
    for (const address of addresses) {
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'news@one.example',
          Destination: { ToAddresses: [address] },
          Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
          ...(tenant === undefined ? {} : { TenantName: tenant }),
        }),
      );
    }
    const sent = new Set(received.flat());
    const lookup = JSON.parse(
      `[${(await bounce(['lookup', ...addresses, '--json', ...named])).trim().split('\n').join(',')}]`,
    ) as {
      status: string;
    }[];
    const rows = new Map(
      (await bounce(['export', ...named]))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { emailAddress: string; status: string })
        .map((row) => [row.emailAddress, row.status]),
    );
    const mailable = (status: string | undefined) =>
      status === undefined || status === 'clear' || status === 'watch';
    return {
      client: checked.map((result) => result.allowed),
      guard: addresses.map((address) => sent.has(address)),
      lookup: lookup.map((row) => mailable(row.status)),
      export: addresses.map((address) => mailable(rows.get(address))),
    };
  }

  return {
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

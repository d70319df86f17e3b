import http from 'node:http';
import { listenOnLoopback } from '../../cli/embedded';
import { prng } from '../support/stream';

/**
 * What the proxy does to one DynamoDB call. `*-before` faults never reach the engine; `*-after`
 * faults forward the call first — the engine applied it — and then lie to the client, which is what
 * tests idempotence. `stall` forwards only after the client has given up (a write that lands late).
 */
export type FaultKind =
  | 'pass'
  | 'slow'
  | 'error500-before'
  | 'throttle-before'
  | 'throughput-before'
  | 'drop-before'
  | 'error500-after'
  | 'throttle-after'
  | 'drop-after'
  | 'stall';

export const FAULT_KINDS: readonly Exclude<FaultKind, 'pass'>[] = [
  'slow',
  'error500-before',
  'throttle-before',
  'throughput-before',
  'drop-before',
  'error500-after',
  'throttle-after',
  'drop-after',
  'stall',
];

/** Relative weights of the faults (any missing kind: 0). The default favours the after-forward ones. */
export const DEFAULT_MIX: Readonly<Partial<Record<Exclude<FaultKind, 'pass'>, number>>> = {
  slow: 2,
  'error500-before': 2,
  'throttle-before': 2,
  'throughput-before': 1,
  'drop-before': 2,
  'error500-after': 3,
  'throttle-after': 1,
  'drop-after': 3,
  stall: 0.5,
};

export interface FaultProxyOptions {
  /** The engine's endpoint, e.g. http://127.0.0.1:4567 (loopback only). */
  target: string;
  /** Share of calls that get a fault, 0..1. */
  rate: number;
  seed: number;
  mix?: Readonly<Partial<Record<Exclude<FaultKind, 'pass'>, number>>>;
  /** `slow`: the answer is delayed by up to this many ms (less than the client's timeout). */
  slowMs?: number;
  /** `stall`: the call is held this long before forwarding (more than the client's timeout). */
  stallMs?: number;
}

export interface FaultProxy {
  endpoint: string;
  /** Calls seen, per kind of fault applied, and per DynamoDB operation (X-Amz-Target). */
  readonly counts: Record<FaultKind, number>;
  readonly operations: Record<string, number>;
  /** Changes the fault rate (0 for a clean phase). */
  setRate(rate: number): void;
  close(): Promise<void>;
}

/** Requests under this path go to the proxy itself (stats, rate), never to the engine. */
export const CONTROL_PATH = '/__fault';

const DYNAMODB_ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

function isLoopback(url: URL) {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

/**
 * A loopback HTTP proxy in front of a DynamoDB engine that fails a seeded share of the calls.
 * Decisions come from one seeded PRNG in arrival order, so a sequential client sees the same
 * faults on every run (concurrent clients interleave differently, the mix stays the same).
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (!isLoopback(target)) throw new Error(`fault proxy targets loopback only, not ${options.target}`);
  const random = prng(options.seed);
  const mix = Object.entries(options.mix ?? DEFAULT_MIX).filter(([, w]) => (w ?? 0) > 0) as [
    Exclude<FaultKind, 'pass'>,
    number,
  ][];
  const totalWeight = mix.reduce((sum, [, w]) => sum + w, 0);
  const slowMs = options.slowMs ?? 60;
  const stallMs = options.stallMs ?? 600;
  let rate = options.rate;
  const counts = Object.fromEntries(['pass', ...FAULT_KINDS].map((k) => [k, 0])) as Record<FaultKind, number>;
  const operations: Record<string, number> = {};
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<import('node:net').Socket>();

  const decide = (): FaultKind => {
    if (totalWeight === 0 || random() >= rate) return 'pass';
    let roll = random() * totalWeight;
    for (const [kind, weight] of mix) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return mix[mix.length - 1]?.[0] ?? 'pass';
  };

  const forward = (req: http.IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const sendError = (res: http.ServerResponse, status: number, type: string, message: string) => {
    if (res.destroyed) return;
    const payload = JSON.stringify({ __type: `${DYNAMODB_ERROR_PREFIX}${type}`, message });
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': `fault-${counts.pass + 1}`,
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
  };

  const relay = (
    res: http.ServerResponse,
    answer: { status: number; headers: http.IncomingHttpHeaders; body: Buffer },
  ) => {
    if (res.destroyed) return;
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  };

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const server = http.createServer((req, res) => {
    if (req.url?.startsWith(CONTROL_PATH)) return control(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '?').replace(/^DynamoDB_\d+\./, '');
      operations[operation] = (operations[operation] ?? 0) + 1;
      const kind = decide();
      counts[kind]++;
      void handle(kind, req, res, body).catch(() => {
        if (!res.headersSent) sendError(res, 500, 'InternalServerError', 'proxy: engine unreachable');
        else res.destroy();
      });
    });
  });

  /** `GET /__fault` → `{counts, operations}`; `GET /__fault?rate=0.1` also sets the rate. */
  function control(req: http.IncomingMessage, res: http.ServerResponse) {
    const asked = new URL(req.url ?? '', 'http://x').searchParams.get('rate');
    if (asked !== null) rate = Number(asked);
    const payload = JSON.stringify({ counts, operations, rate });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  }

  async function handle(kind: FaultKind, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) {
    switch (kind) {
      case 'pass':
        return relay(res, await forward(req, body));
      case 'slow':
        await sleep(Math.floor(random() * slowMs));
        return relay(res, await forward(req, body));
      case 'error500-before':
        return sendError(res, 500, 'InternalServerError', 'Internal server error (injected)');
      case 'throttle-before':
        return sendError(
          res,
          400,
          'ThrottlingException',
          'Rate of requests exceeds the allowed throughput (injected)',
        );
      case 'throughput-before':
        return sendError(
          res,
          400,
          'ProvisionedThroughputExceededException',
          'The level of configured provisioned throughput for the table was exceeded (injected)',
        );
      case 'drop-before':
        req.socket.destroy();
        return;
      case 'error500-after':
        await forward(req, body);
        return sendError(res, 500, 'InternalServerError', 'Internal server error after the write (injected)');
      case 'throttle-after':
        await forward(req, body);
        return sendError(res, 400, 'ThrottlingException', 'Rate exceeded after the write (injected)');
      case 'drop-after':
        await forward(req, body);
        req.socket.destroy();
        return;
      case 'stall':
        await sleep(stallMs);
        // The client has timed out and retried by now; the original call still lands.
        return relay(res, await forward(req, body));
    }
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    endpoint: await listenOnLoopback(server),
    counts,
    operations,
    setRate(next) {
      rate = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

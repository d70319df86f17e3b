import http from 'node:http';
import { listenOnLoopback } from '../../cli/embedded';
import { ACCOUNT, PARTITION, REGION } from './resolve';

/** One AWS API call a function made, as IAM sees it: action and the resource ARNs it names. */
export interface RecordedCall {
  function: string;
  action: string;
  resources: string[];
  /** The parsed request (JSON body, or query/form parameters). */
  input: Record<string, unknown>;
  at: string;
}

/** What SES and SNS hold in the twin (the canned answers come from here, and the calls change it). */
export class FakeAwsServices {
  readonly suppressed = new Map<string, { reason: string; lastUpdateTime: string }>();
  /** Each SES tenant's own suppression list (calls naming `TenantName`), by tenant. */
  readonly tenantSuppressed = new Map<string, Map<string, { reason: string; lastUpdateTime: string }>>();
  readonly configurationSets = new Map<string, { sendingEnabled: boolean }>();
  accountSendingEnabled = true;
  /** SES tenants by name: their id (in their ARN) and customer-managed sending status. */
  readonly tenants = new Map<
    string,
    { id: string; customerManagedStatus: 'ENABLED' | 'DISABLED' | 'REINSTATED' }
  >();
  readonly published: { topicArn: string; subject?: string; message: string }[] = [];
}

const tableArn = (name: string) => `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
const sesArn = (resource: string) => `arn:${PARTITION}:ses:${REGION}:${ACCOUNT}:${resource}`;

/** The tables (and indexes) a DynamoDB JSON request names, as ARNs. */
function dynamoDbResources(body: Record<string, unknown>): string[] {
  const resources: string[] = [];
  if (typeof body.TableName === 'string') {
    resources.push(
      typeof body.IndexName === 'string'
        ? `${tableArn(body.TableName)}/index/${body.IndexName}`
        : tableArn(body.TableName),
    );
  }
  if (body.RequestItems && typeof body.RequestItems === 'object')
    for (const name of Object.keys(body.RequestItems)) resources.push(tableArn(name));
  return resources;
}

const readBody = (request: http.IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/** The SigV4 credential scope names the service: `Credential=KEY/DATE/REGION/SERVICE/aws4_request`. */
const signingService = (request: http.IncomingMessage) =>
  /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];

export interface RecordingEndpoint {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * A loopback HTTP endpoint one function's SDK clients all talk to (`AWS_ENDPOINT_URL`): DynamoDB calls
 * are forwarded to the real local engine, SES v2 and SNS get canned answers from {@link FakeAwsServices};
 * every call is recorded with its IAM action and resources. A service the twin does not know answers
 * 400 and is recorded as such, so the test fails loudly instead of passing silently.
 */
export async function startRecordingEndpoint(options: {
  functionId: string;
  dynamodb: string;
  services: FakeAwsServices;
  calls: RecordedCall[];
  now: () => string;
}): Promise<RecordingEndpoint> {
  const { functionId, services, calls, now } = options;
  const record = (action: string, resources: string[], input: Record<string, unknown>) =>
    calls.push({ function: functionId, action, resources, input, at: now() });

  const server = http.createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const service = signingService(request);
      const target = String(request.headers['x-amz-target'] ?? '');
      const send = (status: number, payload: unknown, contentType = 'application/json') => {
        response.writeHead(status, { 'content-type': contentType });
        response.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      if (target.startsWith('DynamoDB_20120810.')) {
        const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
        record(`dynamodb:${target.slice('DynamoDB_20120810.'.length)}`, dynamoDbResources(input), input);
        const forwarded = await fetch(options.dynamodb, {
          method: 'POST',
          headers: Object.fromEntries(
            Object.entries(request.headers)
              .filter(([key]) => !['host', 'content-length', 'connection'].includes(key))
              .map(([key, value]) => [key, String(value)]),
          ),
          body,
        });
        response.writeHead(forwarded.status, Object.fromEntries(forwarded.headers.entries()));
        response.end(Buffer.from(await forwarded.arrayBuffer()));
        return;
      }
      if (service === 'sns') {
        const input = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
        const action = input.Action ?? 'Unknown';
        if (action === 'Publish') {
          record('sns:Publish', [String(input.TopicArn)], input);
          services.published.push({
            topicArn: String(input.TopicArn),
            ...(input.Subject !== undefined ? { subject: input.Subject } : {}),
            message: String(input.Message),
          });
          send(
            200,
            `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${services.published.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`,
            'text/xml',
          );
          return;
        }
        record(`sns:${action}`, [], input);
        send(
          400,
          `<ErrorResponse><Error><Code>InvalidAction</Code><Message>twin: ${action}</Message></Error></ErrorResponse>`,
          'text/xml',
        );
        return;
      }
      if (service === 'ses') {
        const url = new URL(request.url ?? '/', 'http://local');
        const input = {
          ...Object.fromEntries(url.searchParams),
          ...(body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {}),
        };
        const answer = sesV2(request.method ?? 'GET', decodeURIComponent(url.pathname), input, services, now);
        record(answer.action, answer.resources, input);
        send(answer.status, answer.body);
        return;
      }
      record(`${service ?? 'unknown'}:${target || request.method}`, [], {});
      send(400, { __type: 'TwinUnknownService', message: `the twin has no ${service} endpoint` });
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ __type: 'InternalFailure', message: String(error) }));
    });
  });
  const endpoint = await listenOnLoopback(server);
  return { endpoint, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface SesAnswer {
  action: string;
  resources: string[];
  status: number;
  body: unknown;
}

/** The SES v2 REST routes the stack's functions use, with answers from (and changes to) the fake SES. */
function sesV2(
  method: string,
  path: string,
  input: Record<string, unknown>,
  services: FakeAwsServices,
  now: () => string,
): SesAnswer {
  const set = /^\/v2\/email\/configuration-sets\/([^/]+)$/.exec(path);
  if (set && method === 'GET') {
    const name = set[1] as string;
    const current = services.configurationSets.get(name) ?? { sendingEnabled: true };
    return {
      action: 'ses:GetConfigurationSet',
      resources: [sesArn(`configuration-set/${name}`)],
      status: 200,
      body: { ConfigurationSetName: name, SendingOptions: { SendingEnabled: current.sendingEnabled } },
    };
  }
  const sending = /^\/v2\/email\/configuration-sets\/([^/]+)\/sending$/.exec(path);
  if (sending && method === 'PUT') {
    const name = sending[1] as string;
    services.configurationSets.set(name, { sendingEnabled: input.SendingEnabled === true });
    return {
      action: 'ses:PutConfigurationSetSendingOptions',
      resources: [sesArn(`configuration-set/${name}`)],
      status: 200,
      body: {},
    };
  }
  if (path === '/v2/email/tenants/get' && method === 'POST') {
    const name = String(input.TenantName);
    const tenant = services.tenants.get(name);
    const arn = sesArn(`tenant/${name}/${tenant?.id ?? 'unknown'}`);
    if (!tenant)
      return {
        action: 'ses:GetTenant',
        resources: [arn],
        status: 404,
        body: { __type: 'NotFoundException', message: `tenant ${name} does not exist` },
      };
    return {
      action: 'ses:GetTenant',
      resources: [arn],
      status: 200,
      body: { Tenant: { TenantName: name, TenantId: tenant.id, TenantArn: arn, SendingStatus: 'ENABLED' } },
    };
  }
  // The entity reference is the tenant's ARN (its `/` arrive encoded; the path here is decoded).
  const entity =
    /^\/v2\/email\/reputation\/entities\/RESOURCE\/(arn:[^:]+:ses:[^:]+:\d+:tenant\/([^/]+)\/([^/]+))(\/customer-managed-status)?$/.exec(
      path,
    );
  if (entity) {
    const [, arn = '', name = '', id, update] = entity;
    const tenant = services.tenants.get(name);
    const action = update ? 'ses:UpdateReputationEntityCustomerManagedStatus' : 'ses:GetReputationEntity';
    if (!tenant || tenant.id !== id)
      return { action, resources: [arn], status: 404, body: { __type: 'NotFoundException', message: arn } };
    if (update && method === 'PUT') {
      tenant.customerManagedStatus = input.SendingStatus as typeof tenant.customerManagedStatus;
      return { action, resources: [arn], status: 200, body: {} };
    }
    if (!update && method === 'GET')
      return {
        action,
        resources: [arn],
        status: 200,
        body: {
          ReputationEntity: {
            ReputationEntityReference: arn,
            ReputationEntityType: 'RESOURCE',
            CustomerManagedStatus: { Status: tenant.customerManagedStatus },
            AwsSesManagedStatus: { Status: 'ENABLED' },
            SendingStatusAggregate: tenant.customerManagedStatus,
          },
        },
      };
  }
  if (path === '/v2/email/account' && method === 'GET')
    return {
      action: 'ses:GetAccount',
      resources: ['*'],
      status: 200,
      body: { SendingEnabled: services.accountSendingEnabled },
    };
  if (path === '/v2/email/account/sending' && method === 'PUT') {
    services.accountSendingEnabled = input.SendingEnabled === true;
    return { action: 'ses:PutAccountSendingAttributes', resources: ['*'], status: 200, body: {} };
  }
  /** The list a call names: a tenant's with `TenantName`, else the account's. */
  const list = () => {
    if (typeof input.TenantName !== 'string') return services.suppressed;
    const found = services.tenantSuppressed.get(input.TenantName) ?? new Map();
    services.tenantSuppressed.set(input.TenantName, found);
    return found;
  };
  if (path === '/v2/email/suppression/addresses' && method === 'PUT') {
    list().set(String(input.EmailAddress), {
      reason: String(input.Reason),
      lastUpdateTime: now(),
    });
    return { action: 'ses:PutSuppressedDestination', resources: ['*'], status: 200, body: {} };
  }
  if (path === '/v2/email/suppression/addresses' && method === 'GET') {
    const start = input.StartDate ? Date.parse(String(input.StartDate)) : Number.NEGATIVE_INFINITY;
    const end = input.EndDate ? Date.parse(String(input.EndDate)) : Number.POSITIVE_INFINITY;
    const summaries = [...list().entries()]
      .filter(([, entry]) => {
        const t = Date.parse(entry.lastUpdateTime);
        return t >= start && t <= end;
      })
      .map(([address, entry]) => ({
        EmailAddress: address,
        Reason: entry.reason,
        LastUpdateTime: Date.parse(entry.lastUpdateTime) / 1000,
      }));
    return {
      action: 'ses:ListSuppressedDestinations',
      resources: ['*'],
      status: 200,
      body: { SuppressedDestinationSummaries: summaries },
    };
  }
  const address = /^\/v2\/email\/suppression\/addresses\/([^/]+)$/.exec(path);
  if (address && method === 'DELETE') {
    list().delete(address[1] as string);
    return { action: 'ses:DeleteSuppressedDestination', resources: ['*'], status: 200, body: {} };
  }
  return {
    action: `ses:Unknown ${method} ${path}`,
    resources: [],
    status: 400,
    body: { message: `the twin does not answer SES v2 ${method} ${path}` },
  };
}

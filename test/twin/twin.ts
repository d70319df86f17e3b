import { randomUUID } from 'node:crypto';
import { CreateTableCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { DynamoDbConnection } from '../../shared/adapters/dynamodb/client';
import { EVENTBRIDGE_DETAIL_TYPES } from '../../shared/core/notification';
import {
  type AlarmDefinition,
  type AlarmState,
  alarmDefinition,
  type Datapoint,
  datapointsFromEmf,
  evaluateAlarm,
  MetricStore,
} from './cloudwatch';
import {
  FakeAwsServices,
  type RecordedCall,
  type RecordingEndpoint,
  startRecordingEndpoint,
} from './endpoint';
import { type InvocationResult, LambdaContainer } from './lambda';
import { ACCOUNT, REGION, Resolver } from './resolve';
import type { CloudAssembly } from './synth';

const MINUTE = 60_000;

interface Message {
  id: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  firstReceivedAt?: number;
}

/** An SQS queue with the template's visibility timeout and redrive policy. */
export class TwinQueue {
  readonly messages: Message[] = [];
  sent = 0;
  received = 0;
  deleted = 0;
  constructor(
    readonly logicalId: string,
    readonly name: string,
    readonly arn: string,
    readonly visibilityTimeoutSeconds: number,
    readonly redrive: { deadLetterTargetArn: string; maxReceiveCount: number } | undefined,
  ) {}

  visible(now: number) {
    return this.messages.filter((m) => m.visibleAt <= now);
  }
}

interface TwinFunction {
  logicalId: string;
  name: string;
  arn: string;
  roleLogicalId: string;
  assetDir: string;
  handler: string;
  timeoutSeconds: number;
  env: Record<string, string>;
  endpoint: RecordingEndpoint;
  container?: LambdaContainer;
}

export interface Invocation {
  function: string;
  at: string;
  trigger: string;
  event: unknown;
  result?: unknown;
  error?: InvocationResult['error'];
}

interface ScheduleRule {
  logicalId: string;
  name: string;
  everyMs: number;
  targets: string[];
  nextRun: number;
  paused: boolean;
}

interface Mapping {
  logicalId: string;
  queue: string;
  function: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
}

/** CloudFormation's configuration set event type names, by SES eventType. */
const CFN_EVENT_TYPE_OF: Record<string, string> = {
  Bounce: 'bounce',
  Complaint: 'complaint',
  Delivery: 'delivery',
  Send: 'send',
  DeliveryDelay: 'deliveryDelay',
  Reject: 'reject',
};

/**
 * EventBridge event pattern matching, the part the template uses: a list of values matches when
 * the event's value (or any element of it, for an array) equals one of them; a nested object
 * matches the event's object key by key. Any content filter (prefix, numeric …) is refused.
 */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    if (pattern.some((p) => typeof p === 'object' && p !== null))
      throw new Error(`the twin matches exact values only, not ${JSON.stringify(pattern)}`);
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => pattern.includes(v));
  }
  if (typeof pattern !== 'object' || pattern === null || typeof value !== 'object' || value === null)
    return false;
  return Object.entries(pattern).every(([key, inner]) =>
    matchesPattern(inner, (value as Record<string, unknown>)[key]),
  );
}

function rateMs(expression: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) throw new Error(`the twin runs rate(...) schedules only, not ${JSON.stringify(expression)}`);
  const unit = m[2]?.startsWith('minute')
    ? MINUTE
    : m[2]?.startsWith('hour')
      ? 60 * MINUTE
      : 24 * 60 * MINUTE;
  return Number(m[1]) * unit;
}

/**
 * The deployed stack, locally: every function the template triggers (SQS event source mappings,
 * EventBridge schedules) runs from its synthesized asset with the template's environment; queues,
 * topics and schedules follow the template's settings; alarms are evaluated over the metrics the
 * functions print (EMF) and the service metrics the twin emulates.
 */
export class Twin {
  readonly resolver: Resolver;
  readonly calls: RecordedCall[] = [];
  readonly services = new FakeAwsServices();
  readonly metrics = new MetricStore();
  readonly invocations: Invocation[] = [];
  readonly queues = new Map<string, TwinQueue>();
  readonly functions = new Map<string, TwinFunction>();
  readonly rules: ScheduleRule[] = [];
  readonly mappings: Mapping[] = [];
  readonly alarms: AlarmDefinition[] = [];
  readonly alarmStates = new Map<string, AlarmState>();
  /** Every alarm state change, with the SNS topics its actions notified. */
  readonly transitions: {
    at: string;
    alarm: string;
    from: AlarmState;
    to: AlarmState;
    notified: string[];
  }[] = [];
  /** What SES published, for the emulated AWS/SES reputation metrics. */
  private readonly sesEvents: { at: number; kind: 'sent' | 'bounce' | 'complaint' }[] = [];
  private lastSample: number;
  now: number;

  private constructor(
    readonly assembly: CloudAssembly,
    private readonly connection: DynamoDbConnection,
    private readonly dynamodbEndpoint: string,
    start: Date,
  ) {
    this.resolver = new Resolver(assembly.template, assembly.stackName, randomUUID().slice(0, 6));
    this.now = start.getTime();
    this.lastSample = this.now;
  }

  static async deploy(options: {
    assembly: CloudAssembly;
    connection: DynamoDbConnection;
    dynamodbEndpoint: string;
    start: Date;
  }): Promise<Twin> {
    const twin = new Twin(options.assembly, options.connection, options.dynamodbEndpoint, options.start);
    await twin.createTables();
    twin.createQueues();
    await twin.createFunctions();
    twin.createTriggers();
    twin.createAlarms();
    return twin;
  }

  get isoNow() {
    return new Date(this.now).toISOString();
  }

  private async createTables() {
    for (const [logicalId, p] of this.resolver.ofType('AWS::DynamoDB::Table')) {
      const props = this.resolver.value(p) as Record<string, unknown>;
      const gsis = (props.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
      const input: CreateTableCommandInput = {
        TableName: this.resolver.resource(logicalId).name,
        KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
        AttributeDefinitions: props.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
        BillingMode: 'PAY_PER_REQUEST',
        ...(gsis.length > 0
          ? {
              GlobalSecondaryIndexes: gsis.map((g) => ({
                IndexName: g.IndexName as string,
                KeySchema: g.KeySchema as never,
                Projection: g.Projection as never,
              })),
            }
          : {}),
      };
      await this.connection.client.send(new CreateTableCommand(input));
    }
  }

  private createQueues() {
    for (const [logicalId, p] of this.resolver.ofType('AWS::SQS::Queue')) {
      const props = this.resolver.value(p) as Record<string, unknown>;
      const local = this.resolver.resource(logicalId);
      const redrive = props.RedrivePolicy as
        | { deadLetterTargetArn: string; maxReceiveCount: number }
        | undefined;
      this.queues.set(
        logicalId,
        new TwinQueue(logicalId, local.name, local.arn, Number(props.VisibilityTimeout ?? 30), redrive),
      );
    }
  }

  private queueByArn(arn: string) {
    const queue = [...this.queues.values()].find((q) => q.arn === arn);
    if (!queue) throw new Error(`no queue with ARN ${arn}`);
    return queue;
  }

  /** Functions something in the template triggers (custom-resource providers run at deploy time only). */
  private triggeredFunctions(): Set<string> {
    const ids = new Set<string>();
    for (const [, p] of this.resolver.ofType('AWS::Lambda::EventSourceMapping')) {
      const id = Resolver.referenced(p.FunctionName);
      if (id) ids.add(id);
    }
    for (const [, p] of this.resolver.ofType('AWS::Events::Rule'))
      for (const target of (p.Targets ?? []) as { Arn: unknown }[]) {
        const id = Resolver.referenced(target.Arn);
        if (id && this.assembly.template.Resources[id]?.Type === 'AWS::Lambda::Function') ids.add(id);
      }
    return ids;
  }

  private async createFunctions() {
    for (const logicalId of this.triggeredFunctions()) {
      const p = this.assembly.template.Resources[logicalId]?.Properties ?? {};
      const assetDir = this.assembly.assetDirs[logicalId];
      if (!assetDir) throw new Error(`function ${logicalId} has no bundled asset in the cloud assembly`);
      const local = this.resolver.resource(logicalId);
      const variables = this.resolver.value(
        (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
      ) as Record<string, unknown>;
      const roleLogicalId = Resolver.referenced(p.Role);
      if (!roleLogicalId)
        throw new Error(`function ${logicalId}: its Role is not a resource of the template`);
      const endpoint = await startRecordingEndpoint({
        functionId: logicalId,
        dynamodb: this.dynamodbEndpoint,
        services: this.services,
        calls: this.calls,
        now: () => this.isoNow,
      });
      const timeoutSeconds = Number(p.Timeout ?? 3);
      const env: Record<string, string> = {
        ...Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)])),
        // What the Lambda runtime sets, plus the twin's endpoint for every AWS service.
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        // The test engine's credentials: DynamoDB Local keeps one database per access key and region.
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_SESSION_TOKEN: 'twin',
        AWS_ENDPOINT_URL: endpoint.endpoint,
        AWS_LAMBDA_FUNCTION_NAME: local.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(p.MemorySize ?? 128),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_EXECUTION_ENV: `AWS_Lambda_${String(p.Runtime ?? 'nodejs')}`,
        LAMBDA_TASK_ROOT: assetDir,
        TWIN_FUNCTION_ARN: local.arn,
        TZ: ':UTC',
      };
      this.functions.set(logicalId, {
        logicalId,
        name: local.name,
        arn: local.arn,
        roleLogicalId,
        assetDir,
        handler: String(p.Handler ?? 'index.handler'),
        timeoutSeconds,
        env,
        endpoint,
      });
    }
  }

  private createTriggers() {
    for (const [logicalId, p] of this.resolver.ofType('AWS::Lambda::EventSourceMapping')) {
      const fn = Resolver.referenced(p.FunctionName);
      const source = this.resolver.string(p.EventSourceArn);
      const queue = [...this.queues.values()].find((q) => q.arn === source);
      if (!fn || !queue) continue;
      this.mappings.push({
        logicalId,
        queue: queue.logicalId,
        function: fn,
        batchSize: Number(p.BatchSize ?? 10),
        reportBatchItemFailures: ((p.FunctionResponseTypes ?? []) as string[]).includes(
          'ReportBatchItemFailures',
        ),
        enabled: p.Enabled !== false,
      });
    }
    for (const [logicalId, p] of this.resolver.ofType('AWS::Events::Rule')) {
      if (typeof p.ScheduleExpression !== 'string' || p.State === 'DISABLED') continue;
      const everyMs = rateMs(p.ScheduleExpression);
      const targets = ((p.Targets ?? []) as { Arn: unknown }[])
        .map((t) => Resolver.referenced(t.Arn))
        .filter((id): id is string => id !== undefined && this.functions.has(id));
      this.rules.push({
        logicalId,
        name: this.resolver.resource(logicalId).name,
        everyMs,
        targets,
        nextRun: Math.floor(this.now / everyMs) * everyMs + everyMs,
        paused: false,
      });
    }
  }

  private createAlarms() {
    for (const [logicalId, p] of this.resolver.ofType('AWS::CloudWatch::Alarm')) {
      this.alarms.push(alarmDefinition(logicalId, this.resolver.value(p) as Record<string, unknown>));
      this.alarmStates.set(logicalId, 'INSUFFICIENT_DATA');
    }
  }

  /** Topics SES may publish to (their topic policy allows ses.amazonaws.com). */
  sesTopics(): string[] {
    const topics: string[] = [];
    for (const [, p] of this.resolver.ofType('AWS::SNS::TopicPolicy')) {
      if (!JSON.stringify(p.PolicyDocument).includes('ses.amazonaws.com')) continue;
      for (const topic of (p.Topics ?? []) as unknown[]) topics.push(this.resolver.string(topic));
    }
    return topics;
  }

  /**
   * SES publishes one notification. An event of a configuration set the template gives event
   * destinations goes to each destination matching its type: an SNS topic (then through each
   * subscription, as SNS does) or the default event bus (then through each matching rule, as
   * EventBridge does). Anything else (identity notifications) goes to each SES topic.
   */
  sesPublishes(notification: Record<string, unknown>) {
    const kind = String(notification.eventType ?? notification.notificationType);
    if (kind === 'Send') this.sesEvents.push({ at: this.now, kind: 'sent' });
    const bounce = notification.bounce as { bounceType?: string; bounceSubType?: string } | undefined;
    // SES leaves the bounces it made up itself (its account list, Auto Validation) out of its own rate.
    const synthesized = ['OnAccountSuppressionList', 'EmailValidationSuppressed'].includes(
      String(bounce?.bounceSubType),
    );
    if (kind === 'Bounce' && bounce?.bounceType === 'Permanent' && !synthesized)
      this.sesEvents.push({ at: this.now, kind: 'bounce' });
    if (kind === 'Complaint') this.sesEvents.push({ at: this.now, kind: 'complaint' });
    const set = (notification.mail as { tags?: Record<string, string[]> } | undefined)?.tags?.[
      'ses:configuration-set'
    ]?.[0];
    const destinations = set === undefined ? [] : this.eventDestinations(set);
    if (destinations.length === 0) {
      for (const topicArn of this.sesTopics()) this.snsPublish(topicArn, JSON.stringify(notification));
      return;
    }
    for (const destination of destinations) {
      if (!destination.types.includes(CFN_EVENT_TYPE_OF[kind] ?? '')) continue;
      if (destination.topicArn !== undefined)
        this.snsPublish(destination.topicArn, JSON.stringify(notification));
      if (destination.eventBus !== undefined) {
        const detailType = Object.entries(EVENTBRIDGE_DETAIL_TYPES).find(([, type]) => type === kind)?.[0];
        if (detailType === undefined) throw new Error(`the twin has no EventBridge detail-type for ${kind}`);
        this.putEvent({
          version: '0',
          id: randomUUID(),
          'detail-type': detailType,
          source: 'aws.ses',
          account: ACCOUNT,
          time: new Date(this.now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: REGION,
          resources: [],
          detail: notification,
        });
      }
    }
  }

  /** The template's event destinations of a configuration set: where to and which (CloudFormation) event types. */
  private eventDestinations(configurationSet: string) {
    return this.resolver
      .ofType('AWS::SES::ConfigurationSetEventDestination')
      .map(([, p]) => this.resolver.value(p) as Record<string, unknown>)
      .filter((p) => p.ConfigurationSetName === configurationSet)
      .map((p) => {
        const to = p.EventDestination as {
          Enabled?: boolean;
          MatchingEventTypes: string[];
          SnsDestination?: { TopicARN: string };
          EventBridgeDestination?: { EventBusArn: string };
        };
        return {
          types: to.Enabled === false ? [] : to.MatchingEventTypes,
          topicArn: to.SnsDestination?.TopicARN,
          eventBus: to.EventBridgeDestination?.EventBusArn,
        };
      });
  }

  /** What EventBridge rules delivered to targets other than queues (SNS topics), in order. */
  readonly eventDeliveries: { rule: string; target: string; event: Record<string, unknown> }[] = [];

  /**
   * An event on the default bus: every rule of the template whose event pattern matches it delivers
   * it (the whole event: the twin refuses Input and InputTransformer) to each target, an SQS queue
   * (its body) or an SNS topic (recorded in {@link eventDeliveries}).
   */
  putEvent(event: Record<string, unknown>) {
    for (const [logicalId, p] of this.resolver.ofType('AWS::Events::Rule')) {
      if (p.EventPattern === undefined || p.State === 'DISABLED') continue;
      if (!matchesPattern(p.EventPattern, event)) continue;
      for (const target of (p.Targets ?? []) as Record<string, unknown>[]) {
        if (
          target.Input !== undefined ||
          target.InputTransformer !== undefined ||
          target.InputPath !== undefined
        )
          throw new Error(`rule ${logicalId}: the twin delivers whole events only`);
        const arn = this.resolver.string(target.Arn);
        const queue = [...this.queues.values()].find((q) => q.arn === arn);
        if (queue) this.enqueue(queue, JSON.stringify(event));
        else this.eventDeliveries.push({ rule: logicalId, target: arn, event });
      }
    }
  }

  /** SNS fan-out to the topic's SQS subscriptions, with or without the envelope (RawMessageDelivery). */
  snsPublish(topicArn: string, message: string) {
    for (const [, p] of this.resolver.ofType('AWS::SNS::Subscription')) {
      if (this.resolver.string(p.TopicArn) !== topicArn || p.Protocol !== 'sqs') continue;
      const queue = this.queueByArn(this.resolver.string(p.Endpoint));
      const messageId = randomUUID();
      const body =
        p.RawMessageDelivery === true || p.RawMessageDelivery === 'true'
          ? message
          : JSON.stringify({
              Type: 'Notification',
              MessageId: messageId,
              TopicArn: topicArn,
              Message: message,
              Timestamp: this.isoNow,
              SignatureVersion: '1',
              Signature: 'twin',
              SigningCertURL: `https://sns.${REGION}.amazonaws.com/twin.pem`,
              UnsubscribeURL: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe`,
            });
      this.enqueue(queue, body);
    }
  }

  /** A raw SQS message (e.g. a poison record that no SNS would produce). */
  sendToQueue(queueLogicalId: string, body: string) {
    const queue = this.queues.get(queueLogicalId);
    if (!queue) throw new Error(`no queue ${queueLogicalId}`);
    this.enqueue(queue, body);
  }

  private enqueue(queue: TwinQueue, body: string) {
    queue.messages.push({ id: randomUUID(), body, sentAt: this.now, receiveCount: 0, visibleAt: this.now });
    queue.sent++;
  }

  private async container(fn: TwinFunction) {
    if (!fn.container) {
      fn.container = await LambdaContainer.start({
        assetDir: fn.assetDir,
        handler: fn.handler,
        timeoutSeconds: fn.timeoutSeconds,
        env: fn.env,
      });
      this.metrics.add(...datapointsFromEmf(fn.container.initLines, this.now, fn.logicalId));
    }
    return fn.container;
  }

  private lambdaPoint(fn: TwinFunction, name: string, value: number): Datapoint {
    return {
      namespace: 'AWS/Lambda',
      name,
      dimensions: { FunctionName: fn.name },
      value,
      timestamp: this.now,
      source: 'emulated:lambda',
    };
  }

  /** Invokes a function once (as its trigger would), recording its EMF and the AWS/Lambda metrics. */
  async invoke(logicalId: string, event: unknown, trigger: string): Promise<Invocation> {
    const fn = this.functions.get(logicalId);
    if (!fn) throw new Error(`no triggered function ${logicalId}`);
    const outcome = await (await this.container(fn)).invoke(event);
    this.metrics.add(...datapointsFromEmf(outcome.lines, this.now, logicalId));
    this.metrics.add(
      this.lambdaPoint(fn, 'Invocations', 1),
      this.lambdaPoint(fn, 'Errors', outcome.error ? 1 : 0),
      this.lambdaPoint(fn, 'Throttles', 0),
    );
    const invocation: Invocation = {
      function: logicalId,
      at: this.isoNow,
      trigger,
      event,
      ...(outcome.error ? { error: outcome.error } : { result: outcome.result }),
    };
    this.invocations.push(invocation);
    return invocation;
  }

  /** The Lambda poller: batches of visible messages, the redrive policy applied at receive. */
  private async poll(mapping: Mapping): Promise<boolean> {
    const queue = this.queues.get(mapping.queue) as TwinQueue;
    const batch: Message[] = [];
    for (const message of queue.visible(this.now)) {
      if (batch.length >= mapping.batchSize) break;
      if (queue.redrive && message.receiveCount >= queue.redrive.maxReceiveCount) {
        // SQS moves it to the DLQ instead of delivering it an extra time.
        queue.messages.splice(queue.messages.indexOf(message), 1);
        const dlq = this.queueByArn(queue.redrive.deadLetterTargetArn);
        dlq.messages.push({ ...message, receiveCount: 0, visibleAt: this.now });
        dlq.sent++;
        continue;
      }
      message.receiveCount++;
      message.firstReceivedAt ??= this.now;
      message.visibleAt = this.now + queue.visibilityTimeoutSeconds * 1000;
      queue.received++;
      batch.push(message);
    }
    if (batch.length === 0) return false;
    const event = {
      Records: batch.map((m) => ({
        messageId: m.id,
        receiptHandle: `rh-${m.id}-${m.receiveCount}`,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: 'AIDATWIN',
          ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: REGION,
      })),
    };
    const invocation = await this.invoke(mapping.function, event, mapping.logicalId);
    if (invocation.error) return true; // the whole batch becomes visible again after the timeout
    const failed = new Set(
      mapping.reportBatchItemFailures
        ? (
            (invocation.result as { batchItemFailures?: { itemIdentifier: string }[] } | null)
              ?.batchItemFailures ?? []
          ).map((f) => f.itemIdentifier)
        : [],
    );
    for (const message of batch) {
      if (failed.has(message.id)) continue;
      queue.messages.splice(queue.messages.indexOf(message), 1);
      queue.deleted++;
    }
    return true;
  }

  private sampleServiceMetrics(at: number) {
    for (const queue of this.queues.values()) {
      const visible = queue.visible(at);
      const point = (name: string, value: number): Datapoint => ({
        namespace: 'AWS/SQS',
        name,
        dimensions: { QueueName: queue.name },
        value,
        timestamp: at,
        source: 'emulated:sqs',
      });
      const oldest = queue.messages.reduce((min, m) => Math.min(min, m.sentAt), Number.POSITIVE_INFINITY);
      this.metrics.add(
        point('ApproximateNumberOfMessagesVisible', visible.length),
        point('ApproximateNumberOfMessagesNotVisible', queue.messages.length - visible.length),
        point(
          'ApproximateAgeOfOldestMessage',
          Number.isFinite(oldest) ? Math.round((at - oldest) / 1000) : 0,
        ),
        point('NumberOfMessagesSent', queue.sent),
        point('NumberOfMessagesReceived', queue.received),
        point('NumberOfMessagesDeleted', queue.deleted),
      );
      queue.sent = 0;
      queue.received = 0;
      queue.deleted = 0;
    }
    // SES's own reputation figures over the last 24 h of what it sent (AWS/SES, no dimensions).
    const recent = this.sesEvents.filter((e) => e.at > at - 24 * 60 * MINUTE && e.at <= at);
    const sent = recent.filter((e) => e.kind === 'sent').length;
    if (sent > 0) {
      const share = (kind: string) => recent.filter((e) => e.kind === kind).length / sent;
      for (const [name, value] of [
        ['Reputation.BounceRate', share('bounce')],
        ['Reputation.ComplaintRate', share('complaint')],
      ] as const)
        this.metrics.add({
          namespace: 'AWS/SES',
          name,
          dimensions: {},
          value,
          timestamp: at,
          source: 'emulated:ses',
        });
    }
  }

  private evaluateAlarms() {
    for (const alarm of this.alarms) {
      const previous = this.alarmStates.get(alarm.logicalId) as AlarmState;
      const { state } = evaluateAlarm(alarm, this.metrics, this.now, previous);
      if (state === previous) continue;
      this.alarmStates.set(alarm.logicalId, state);
      const notified =
        state === 'ALARM'
          ? alarm.alarmActions
          : state === 'OK'
            ? alarm.okActions
            : alarm.insufficientDataActions;
      this.transitions.push({ at: this.isoNow, alarm: alarm.logicalId, from: previous, to: state, notified });
    }
  }

  /** Delivers everything visible now, as the pollers would (no time passes while functions run). */
  async drain() {
    for (let busy = true; busy; ) {
      busy = false;
      for (const mapping of this.mappings) if (mapping.enabled && (await this.poll(mapping))) busy = true;
    }
  }

  /**
   * Moves the clock forward by `ms`, minute by minute: queues drained, messages reappearing after
   * their visibility timeout, schedules fired when due, service metrics sampled and alarms evaluated
   * every minute.
   */
  async advance(ms: number) {
    const target = this.now + ms;
    await this.drain();
    while (this.now < target) {
      const nextMinute = Math.floor(this.now / MINUTE) * MINUTE + MINUTE;
      const nextRule = Math.min(...this.rules.map((r) => r.nextRun));
      this.now = Math.min(target, nextMinute, nextRule);
      for (const rule of this.rules) {
        if (rule.nextRun > this.now) continue;
        rule.nextRun += rule.everyMs;
        if (rule.paused) continue;
        for (const fn of rule.targets)
          await this.invoke(
            fn,
            {
              version: '0',
              id: randomUUID(),
              'detail-type': 'Scheduled Event',
              source: 'aws.events',
              account: ACCOUNT,
              time: new Date(this.now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
              region: REGION,
              resources: [this.resolver.resource(rule.logicalId).arn],
              detail: {},
            },
            rule.logicalId,
          );
        this.metrics.add(
          ...['Invocations', 'TriggeredRules'].map((name) => ({
            namespace: 'AWS/Events',
            name,
            dimensions: { RuleName: rule.name },
            value: 1,
            timestamp: this.now,
            source: 'emulated:events',
          })),
        );
      }
      await this.drain();
      if (this.now >= this.lastSample + MINUTE || this.now === target) {
        this.sampleServiceMetrics(this.now);
        this.lastSample = this.now;
        this.evaluateAlarms();
      }
    }
  }

  /** Stops (or restarts) an EventBridge schedule, as an outage of the rule would. */
  pauseSchedule(functionLogicalIdPrefix: string, paused: boolean) {
    const rules = this.rules.filter((r) => r.targets.some((t) => t.startsWith(functionLogicalIdPrefix)));
    if (rules.length === 0) throw new Error(`no schedule targets a function ${functionLogicalIdPrefix}*`);
    for (const rule of rules) rule.paused = paused;
  }

  /** The one resource of a type whose logical id starts with `prefix`. */
  logicalId(type: string, prefix: string): string {
    const found = this.resolver.ofType(type).filter(([id]) => id.startsWith(prefix));
    if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${found.length}`);
    return (found[0] as [string, unknown])[0];
  }

  /** Alarm states by logical id. */
  states(): Record<string, AlarmState> {
    return Object.fromEntries(this.alarmStates);
  }

  async destroy() {
    for (const fn of this.functions.values()) {
      await fn.container?.stop();
      await fn.endpoint.close();
    }
  }
}

import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, Resolver } from './resolve';
import type { Twin } from './twin';

export interface IamVerdict {
  function: string;
  action: string;
  resource: string;
  allowed: boolean;
  detail: string;
}

/** The identity policies of a role as the template attaches them (inline and AWS::IAM::Policy). */
function rolePolicies(twin: Twin, roleLogicalId: string): { name: string; policy: unknown }[] {
  const policies: { name: string; policy: unknown }[] = [];
  const role = twin.assembly.template.Resources[roleLogicalId]?.Properties ?? {};
  for (const inline of (role.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[])
    policies.push({ name: inline.PolicyName, policy: twin.resolver.value(inline.PolicyDocument) });
  for (const [logicalId, p] of twin.resolver.ofType('AWS::IAM::Policy')) {
    const roles = ((p.Roles ?? []) as unknown[]).map((r) => Resolver.referenced(r));
    if (roles.includes(roleLogicalId))
      policies.push({ name: logicalId, policy: twin.resolver.value(p.PolicyDocument) });
  }
  if (((role.ManagedPolicyArns ?? []) as unknown[]).length > 0)
    throw new Error(`role ${roleLogicalId} has managed policies the twin cannot read`);
  return policies;
}

/**
 * Every AWS call each function made in the twin (DynamoDB through its endpoint, SES and SNS), plus
 * what AWS does with the function's role on its behalf (KMS for a publish to an encrypted topic, the
 * SQS calls of its event source mapping), checked against its role's statements in the template.
 */
/** The resource policy the template gives a resource (KMS key policy, SNS topic / SQS queue policies). */
function resourcePolicy(twin: Twin, arn: string): unknown {
  const owner = Object.values(twin.resolver.resources).find((r) => r.arn === arn);
  if (!owner) return undefined;
  if (owner.type === 'AWS::KMS::Key') {
    const key = twin.assembly.template.Resources[owner.logicalId]?.Properties ?? {};
    return key.KeyPolicy === undefined ? undefined : twin.resolver.value(key.KeyPolicy);
  }
  const [policyType, listKey] =
    owner.type === 'AWS::SNS::Topic'
      ? ['AWS::SNS::TopicPolicy', 'Topics']
      : owner.type === 'AWS::SQS::Queue'
        ? ['AWS::SQS::QueuePolicy', 'Queues']
        : [undefined, undefined];
  if (!policyType || !listKey) return undefined;
  const statements: unknown[] = [];
  for (const [, p] of twin.resolver.ofType(policyType)) {
    const targets = ((p[listKey] ?? []) as unknown[]).map((t) => Resolver.referenced(t));
    if (!targets.includes(owner.logicalId)) continue;
    const document = twin.resolver.value(p.PolicyDocument) as { Statement: unknown[] };
    statements.push(...document.Statement);
  }
  return statements.length > 0 ? { Version: '2012-10-17', Statement: statements } : undefined;
}

export async function checkCalls(twin: Twin): Promise<IamVerdict[]> {
  const wanted = new Map<string, { function: string; action: string; resource: string }>();
  const want = (fn: string, action: string, resource: string) =>
    wanted.set(`${fn}|${action}|${resource}`, { function: fn, action, resource });
  const topicKeys = new Map<string, string>();
  for (const [logicalId, p] of twin.resolver.ofType('AWS::SNS::Topic'))
    if (p.KmsMasterKeyId !== undefined)
      topicKeys.set(twin.resolver.resource(logicalId).arn, twin.resolver.string(p.KmsMasterKeyId));
  for (const call of twin.calls) {
    if (call.resources.length === 0) want(call.function, call.action, '*');
    for (const resource of call.resources) {
      want(call.function, call.action, resource);
      const key = call.action === 'sns:Publish' ? topicKeys.get(resource) : undefined;
      if (key) {
        want(call.function, 'kms:GenerateDataKey', key);
        want(call.function, 'kms:Decrypt', key);
      }
    }
  }
  for (const mapping of twin.mappings) {
    const queue = twin.queues.get(mapping.queue);
    if (!queue || !twin.invocations.some((i) => i.function === mapping.function)) continue;
    for (const action of [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueAttributes',
    ])
      want(mapping.function, action, queue.arn);
  }
  const verdicts: IamVerdict[] = [];
  for (const { function: fn, action, resource } of wanted.values()) {
    const twinFunction = twin.functions.get(fn);
    if (!twinFunction) throw new Error(`a call from unknown function ${fn}`);
    const roleArn = twin.resolver.resource(twinFunction.roleLogicalId).arn;
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
      verdicts.push({
        function: fn,
        action,
        resource,
        allowed: false,
        detail: 'a call the twin could not map to an IAM action',
      });
      continue;
    }
    const policy = resourcePolicy(twin, resource);
    const response = await runSimulation(
      {
        identityPolicies: rolePolicies(twin, twinFunction.roleLogicalId),
        ...(policy ? { resourcePolicy: policy } : {}),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
          principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleArn.split('/').pop()}/${twinFunction.name}`,
          action,
          resource: { resource, accountId: ACCOUNT },
          // Every SDK call goes over TLS; the stack's policies deny anything else.
          contextVariables: { 'aws:SecureTransport': 'true' },
        },
      },
      {},
    );
    if (response.resultType === 'error') {
      verdicts.push({
        function: fn,
        action,
        resource,
        allowed: false,
        detail: JSON.stringify(response.errors),
      });
      continue;
    }
    verdicts.push({
      function: fn,
      action,
      resource,
      allowed: response.overallResult === 'Allowed',
      detail: response.overallResult,
    });
  }
  return verdicts;
}

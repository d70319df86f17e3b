import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config';
import { applyChecks, findings as findingsOf } from '../../infra/nag';
import { SesBounceHandlerStack, stackPropsFromConfig } from '../../infra/stack';
import { actionsOf, CDK_JSON_CONTEXT, type PolicyStatement, resourcesOf } from './helpers';

/** Builds the app like `infra/app.ts` (nag included); `extend` may add resources before synthesis. */
function build(context: Record<string, unknown>, extend: (stack: SesBounceHandlerStack) => void = () => {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ses-bounce-handler-nag-'));
  const app = new App({ outdir, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const config = loadConfig(context);
  const stack = new SesBounceHandlerStack(app, config.stackName, stackPropsFromConfig(config));
  extend(stack);
  const packs = applyChecks(stack, { nist: config.compliance === 'nist-800-53-r5' });
  // Synthesis runs the checks (a validation of the stack) and throws "Validation failed" on any
  // unacknowledged finding.
  let synthError: unknown;
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  // The same checks again, for a readable failure: rule id (with finding) → construct paths, errors
  // and warnings alike (both fail synthesis).
  const findings: Record<string, string[]> = {};
  for (const finding of findingsOf(packs, [stack])) {
    findings[finding.rule] = [...(findings[finding.rule] ?? []), finding.path];
  }
  return {
    app,
    stack,
    packs,
    synthError,
    findings,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Every acknowledgement in the tree: `<construct path> <rule id>` → reason. */
function acknowledgements(root: IConstruct): Record<string, string> {
  const found: Record<string, string> = {};
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found[`${construct.node.path} ${id.replace(/^annotation::/i, '')}`] = reason;
      }
    }
  }
  return found;
}

const S = 'SesBounceHandler';
const XRAY_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const PROVIDER = `${S}/AWS679f53fac002430cb0da5b7982bd2287`;

/** Reviewed in docs/security.md: what every synth acknowledges (AwsSolutions and Serverless). */
const BASE_ACKS = [
  `${S}/Default/Ingest/DeadLetterQueue/Resource Serverless-SQSRedrivePolicy`,
  `${S}/Default/Ingest/SubscriptionDeadLetterQueue/Resource Serverless-SQSRedrivePolicy`,
  `${S}/Default/Ingest/SubscriptionDeadLetterQueue/Resource AwsSolutions-SQS3`,
  `${S}/Default/Processor/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]`,
  `${S}/Default/Processor/Function/Resource Serverless-LambdaDLQ`,
  `${S}/Default/Processor/Function/SqsEventSource:SesBounceHandlerIngestQueue7B68E7B8/Resource Serverless-LambdaEventSourceMappingDestination`,
  `${S}/Default/Hygiene/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]`,
  `${S}/Default/Hygiene/Function/Resource Serverless-LambdaDLQ`,
  `${S}/Default/Hygiene/ScheduleDeadLetterQueue/Resource Serverless-SQSRedrivePolicy`,
  `${S}/Default/Hygiene/ScheduleDeadLetterQueue/Resource AwsSolutions-SQS3`,
];
const SES_ACKS = [
  `${PROVIDER}/Resource Serverless-LambdaDLQ`,
  `${PROVIDER}/Resource Serverless-LambdaTracing`,
  `${S}/Default/OnCall/OnCallTopic/oncall@example.com Serverless-SNSRedrivePolicy`,
];
const EVENTBRIDGE_ACKS = [
  `${S}/Default/EventBridge/DeadLetterQueue/Resource Serverless-SQSRedrivePolicy`,
  `${S}/Default/EventBridge/DeadLetterQueue/Resource AwsSolutions-SQS3`,
];
const BRAKE_ACKS = [`${S}/Default/Hygiene/AccountBrakePolicy AwsSolutions-IAM5[Resource::*]`];
const SYNC_ACKS = [
  `${S}/Default/Sync/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]`,
  `${S}/Default/Sync/SesSuppressionListPolicy AwsSolutions-IAM5[Resource::*]`,
  `${S}/Default/Sync/Function/Resource Serverless-LambdaDLQ`,
  `${S}/Default/Sync/ScheduleDeadLetterQueue/Resource Serverless-SQSRedrivePolicy`,
  `${S}/Default/Sync/ScheduleDeadLetterQueue/Resource AwsSolutions-SQS3`,
];
/**
 * Under the NIST profile: customer managed policies move the IAM5 acknowledgements from DefaultPolicy
 * to Policy; each function (path under the stack) acknowledges running outside a VPC and no function
 * DLQ; the backup selection role acknowledges its AWS managed policy.
 */
const nistAcks = (acks: string[], functions: string[]) => [
  ...acks.map((ack) => ack.replace('/Role/DefaultPolicy ', '/Role/Policy ')),
  ...functions.flatMap((fn) => [
    `${S}/${fn}/Resource NIST.800.53.R5-LambdaInsideVPC`,
    `${S}/${fn}/Resource NIST.800.53.R5-LambdaDLQ`,
  ]),
  `${S}/Default/Nist/BackupPlan/SuppressionTable/Role AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]`,
];

const SES_CONTEXT = {
  sesIdentities: '["example.com","noreply@example.org"]',
  sesConfigurationSets: 'main,marketing',
  alarmEmail: 'oncall@example.com',
};
const BRAKE_CONTEXT = {
  sesConfigurationSets: 'marketing',
  emergencyBrake: { enabled: true, configurationSets: { 'example.com': ['marketing'] }, pauseAccount: true },
};
const BRAKE_ACTIONS = ['ses:GetAccount', 'ses:PutAccountSendingAttributes'];
const SYNC_ACTIONS = [
  'ses:DeleteSuppressedDestination',
  'ses:ListSuppressedDestinations',
  'ses:PutSuppressedDestination',
];

/**
 * Each configuration, the packs in force, the acknowledgements it must carry, and the only actions
 * allowed on "*" (X-Ray once per traced function).
 */
const CONFIGURATIONS = {
  default: {
    context: {},
    packs: ['AwsSolutions', 'Serverless'],
    acks: BASE_ACKS,
    wildcardActions: [...XRAY_ACTIONS, ...XRAY_ACTIONS],
  },
  'SES identities, configuration sets and alarm email': {
    context: SES_CONTEXT,
    packs: ['AwsSolutions', 'Serverless'],
    acks: [...BASE_ACKS, ...SES_ACKS],
    wildcardActions: [...XRAY_ACTIONS, ...XRAY_ACTIONS],
  },
  'EventBridge ingest (both), SES identities and configuration sets': {
    context: { ...SES_CONTEXT, ingest: 'both' },
    packs: ['AwsSolutions', 'Serverless'],
    acks: [...BASE_ACKS, ...SES_ACKS, ...EVENTBRIDGE_ACKS],
    wildcardActions: [...XRAY_ACTIONS, ...XRAY_ACTIONS],
  },
  'emergency brake on, account included': {
    context: BRAKE_CONTEXT,
    packs: ['AwsSolutions', 'Serverless'],
    acks: [...BASE_ACKS, ...BRAKE_ACKS],
    wildcardActions: [...BRAKE_ACTIONS, ...XRAY_ACTIONS, ...XRAY_ACTIONS],
  },
  'tenant brake on (two tenants)': {
    context: { tenants: ['acme', 'globex'], emergencyBrake: { enabled: true, tenants: ['acme', 'globex'] } },
    packs: ['AwsSolutions', 'Serverless'],
    acks: [
      ...BASE_ACKS,
      ...['acme', 'globex'].map(
        (name) =>
          `${S}/Default/Hygiene/TenantBrakePolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:tenant/${name}/*]`,
      ),
    ],
    wildcardActions: [...XRAY_ACTIONS, ...XRAY_ACTIONS],
  },
  'SES suppression list sync on (both)': {
    context: { sesSyncMode: 'both' },
    packs: ['AwsSolutions', 'Serverless'],
    acks: [...BASE_ACKS, ...SYNC_ACKS],
    wildcardActions: [...SYNC_ACTIONS, ...XRAY_ACTIONS, ...XRAY_ACTIONS, ...XRAY_ACTIONS],
  },
  'NIST 800-53 r5 profile, defaults otherwise': {
    context: { compliance: 'nist-800-53-r5' },
    packs: ['AwsSolutions', 'Serverless', 'NIST.800.53.R5'],
    acks: nistAcks(BASE_ACKS, ['Default/Processor/Function', 'Default/Hygiene/Function']),
    wildcardActions: [...XRAY_ACTIONS, ...XRAY_ACTIONS],
  },
  'NIST 800-53 r5 profile, everything on': {
    context: {
      compliance: 'nist-800-53-r5',
      ...BRAKE_CONTEXT,
      ...SES_CONTEXT,
      sesSyncMode: 'both',
      ingest: 'both',
    },
    packs: ['AwsSolutions', 'Serverless', 'NIST.800.53.R5'],
    acks: nistAcks(
      [...BASE_ACKS, ...SES_ACKS, ...BRAKE_ACKS, ...SYNC_ACKS, ...EVENTBRIDGE_ACKS],
      [
        'Default/Processor/Function',
        'Default/Hygiene/Function',
        'Default/Sync/Function',
        PROVIDER.slice(S.length + 1),
      ],
    ),
    wildcardActions: [...BRAKE_ACTIONS, ...SYNC_ACTIONS, ...XRAY_ACTIONS, ...XRAY_ACTIONS, ...XRAY_ACTIONS],
  },
} satisfies Record<
  string,
  { context: Record<string, unknown>; packs: string[]; acks: string[]; wildcardActions: string[] }
>;

describe.each(Object.entries(CONFIGURATIONS))('cdk-nag, %s config', (_, configuration) => {
  let built: ReturnType<typeof build>;
  beforeAll(() => {
    built = build(configuration.context);
  });
  afterAll(() => built.cleanup());

  it('runs exactly the packs in force', () => {
    expect(built.packs.map((pack) => pack.readPackName)).toEqual(configuration.packs);
  });

  it('has no unacknowledged finding, error or warning, in any pack', () => {
    expect(built.findings).toEqual({});
    expect(built.synthError).toBeUndefined();
  });

  it('acknowledges exactly the reviewed findings, each with a reason', () => {
    const acks = acknowledgements(built.app);
    expect(Object.keys(acks).sort()).toEqual([...configuration.acks].sort());
    for (const reason of Object.values(acks)) expect(reason.length).toBeGreaterThan(80);
  });

  it('uses Resource "*" only for the actions the IAM5 acknowledgements cover', () => {
    const statements = built.stack.node
      .findAll()
      .flatMap((c) =>
        c instanceof iam.CfnPolicy || c instanceof iam.CfnManagedPolicy
          ? (built.stack.resolve(c.policyDocument) as { Statement: PolicyStatement[] }).Statement
          : [],
      );
    const wildcard = statements.filter((s) => resourcesOf(s).includes('*'));
    expect(wildcard.flatMap(actionsOf).sort()).toEqual([...configuration.wildcardActions].sort());
  });

  it('writes the acknowledgements into the template metadata (audit trail)', () => {
    const template = built.app.synth().getStackByName(built.stack.stackName).template as {
      Resources: Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string }[] } } }>;
    };
    const written = Object.entries(template.Resources).flatMap(([logicalId, r]) =>
      (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((s) => [logicalId, s.id] as const),
    );
    // Every acknowledged rule id appears on some resource, and nothing else does.
    expect([...new Set(written.map(([, id]) => id))].sort()).toEqual(
      [...new Set(configuration.acks.map((ack) => ack.split(' ')[1]))].sort(),
    );
    expect(written).toContainEqual([
      expect.stringMatching(/^ProcessorRole(Default)?Policy/),
      'AwsSolutions-IAM5[Resource::*]',
    ]);
  });
});

describe('the nag check itself', () => {
  it('fails synthesis on an unacknowledged finding and names rule, finding and construct', () => {
    const built = build({}, (stack) => {
      new iam.Policy(stack, 'TooBroad', {
        statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })],
      });
    });
    try {
      expect(built.findings).toEqual({
        'AwsSolutions-IAM5[Resource::*]': ['SesBounceHandler/TooBroad/Resource'],
      });
      expect(String(built.synthError)).toMatch(
        /Validation failed[\s\S]*\[AwsSolutions-IAM5\[Resource::\*\]\] \(error\) SesBounceHandler\/TooBroad\/Resource: .*wildcard permissions/,
      );
    } finally {
      built.cleanup();
    }
  });

  it('fails synthesis on a warning-level finding too (a function without tracing)', () => {
    const built = build({}, (stack) => {
      (stack.handler.hygiene.function.node.defaultChild as lambda.CfnFunction).tracingConfig = undefined;
    });
    try {
      expect(built.findings).toEqual({
        'Serverless-LambdaTracing': ['SesBounceHandler/Default/Hygiene/Function/Resource'],
      });
      expect(String(built.synthError)).toMatch(/Serverless-LambdaTracing/);
    } finally {
      built.cleanup();
    }
  });

  it('runs the NIST pack under the profile only: an unencrypted log group fails it, not the default synth', () => {
    const addLogGroup = (stack: SesBounceHandlerStack) => {
      new logs.LogGroup(stack, 'Unencrypted', { retention: logs.RetentionDays.ONE_MONTH });
    };
    const nist = build({ compliance: 'nist-800-53-r5' }, addLogGroup);
    const plain = build({}, addLogGroup);
    try {
      expect(nist.findings).toEqual({
        'NIST.800.53.R5-CloudWatchLogGroupEncrypted': ['SesBounceHandler/Unencrypted/Resource'],
      });
      expect(plain.findings).toEqual({});
    } finally {
      nist.cleanup();
      plain.cleanup();
    }
  });

  it('does not let the X-Ray acknowledgement on the processor policy cover other policies', () => {
    const built = build({}, (stack) => {
      stack.handler.processor.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }),
      );
      new iam.Policy(stack, 'OtherWildcard', {
        roles: [stack.handler.processor.function.role as iam.IRole],
        statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })],
      });
    });
    try {
      expect(built.findings).toEqual({
        'AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*]': [
          'SesBounceHandler/Default/Processor/Role/DefaultPolicy/Resource',
        ],
        'AwsSolutions-IAM5[Resource::*]': ['SesBounceHandler/OtherWildcard/Resource'],
      });
    } finally {
      built.cleanup();
    }
  });
});

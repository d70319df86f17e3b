import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config';
import { addNagChecks } from '../../infra/nag';
import { SesBounceHandlerStack, stackPropsFromConfig } from '../../infra/stack';
import { actionsOf, CDK_JSON_CONTEXT, type PolicyStatement, resourcesOf } from './helpers';

/** Builds the app like `infra/app.ts` (nag included); `extend` may add resources before synthesis. */
function build(context: Record<string, unknown>, extend: (stack: SesBounceHandlerStack) => void = () => {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ses-bounce-handler-nag-'));
  const app = new App({ outdir, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const config = loadConfig(context);
  const stack = new SesBounceHandlerStack(app, config.stackName, stackPropsFromConfig(config));
  extend(stack);
  const nag = addNagChecks(app);
  // Synthesis runs the plugin and throws "Validation failed" on any unacknowledged finding.
  let synthError: unknown;
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  // The same checks again, for a readable failure: rule id (with finding) → construct paths.
  const findings = Object.fromEntries(
    nag
      .validateScope(app)
      .violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath)]),
  );
  return {
    app,
    stack,
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

const PROCESSOR_XRAY_ACK = 'SesBounceHandler/Processor/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]';
const XRAY_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/** Each configuration, the acknowledgements it must carry, and the only actions allowed on "*". */
const CONFIGURATIONS = {
  default: { context: {}, acks: [PROCESSOR_XRAY_ACK], wildcardActions: XRAY_ACTIONS },
  'SES identities and configuration sets': {
    context: {
      sesIdentities: '["example.com","noreply@example.org"]',
      sesConfigurationSets: 'main,marketing',
    },
    acks: [PROCESSOR_XRAY_ACK],
    wildcardActions: XRAY_ACTIONS,
  },
  'emergency brake on, account included': {
    context: {
      emergencyBrake: {
        enabled: true,
        configurationSets: { 'example.com': ['marketing'] },
        pauseAccount: true,
      },
    },
    acks: [PROCESSOR_XRAY_ACK, 'SesBounceHandler/Hygiene/AccountBrakePolicy AwsSolutions-IAM5[Resource::*]'],
    wildcardActions: ['ses:GetAccount', 'ses:PutAccountSendingAttributes', ...XRAY_ACTIONS],
  },
} satisfies Record<string, { context: Record<string, unknown>; acks: string[]; wildcardActions: string[] }>;

describe.each(Object.entries(CONFIGURATIONS))('cdk-nag AwsSolutions, %s config', (_, configuration) => {
  let built: ReturnType<typeof build>;
  beforeAll(() => {
    built = build(configuration.context);
  });
  afterAll(() => built.cleanup());

  it('has no unacknowledged finding', () => {
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
      .filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy)
      .flatMap((p) => (built.stack.resolve(p.policyDocument) as { Statement: PolicyStatement[] }).Statement);
    const wildcard = statements.filter((s) => resourcesOf(s).includes('*'));
    expect(wildcard.flatMap(actionsOf).sort()).toEqual(configuration.wildcardActions);
  });

  it('writes the acknowledgements into the template metadata (audit trail)', () => {
    const template = built.app.synth().getStackByName(built.stack.stackName).template as {
      Resources: Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string }[] } } }>;
    };
    const withNag = Object.entries(template.Resources).filter(([, r]) => r.Metadata?.cdk_nag !== undefined);
    // One resource per acknowledgement, carrying exactly its rule id.
    expect(withNag).toHaveLength(configuration.acks.length);
    expect(withNag.map(([id, r]) => [id, r.Metadata?.cdk_nag?.rules_to_suppress.map((s) => s.id)])).toEqual(
      expect.arrayContaining([
        [expect.stringMatching(/^ProcessorRoleDefaultPolicy/), ['AwsSolutions-IAM5[Resource::*]']],
      ]),
    );
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
      expect(String(built.synthError)).toMatch(/wildcard permissions[\s\S]*validation-report\.json/);
    } finally {
      built.cleanup();
    }
  });

  it('does not let the X-Ray acknowledgement on the processor policy cover other policies', () => {
    const built = build({}, (stack) => {
      stack.processor.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }),
      );
      new iam.Policy(stack, 'OtherWildcard', {
        roles: [stack.processor.function.role as iam.IRole],
        statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })],
      });
    });
    try {
      expect(built.findings).toEqual({
        'AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*]': [
          'SesBounceHandler/Processor/Role/DefaultPolicy/Resource',
        ],
        'AwsSolutions-IAM5[Resource::*]': ['SesBounceHandler/OtherWildcard/Resource'],
      });
    } finally {
      built.cleanup();
    }
  });
});

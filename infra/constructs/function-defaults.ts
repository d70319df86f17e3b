import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Duration, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import type { PolicyConfig } from '../../shared/core/policy-config';

/** Node.js 22+ runtime required; 24 is the newest Lambda offers (and what cdk-nag's L1 expects). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Powertools service name and metrics namespace shared by every function (and the alarms). */
export const POWERTOOLS_SERVICE_NAME = 'ses-bounce-handler';
export const POWERTOOLS_METRICS_NAMESPACE = 'SesBounceHandler';

export interface FunctionSettings {
  readonly description: string;
  /** Directory of the prebuilt function (index.mjs exporting `handler`; see `infra/paths.ts`). */
  readonly entry: string;
  /** The function's own role (its log group and table grants are added by the caller). */
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;
  readonly timeout: Duration;
  /** Variables beyond the common ones (Powertools, log level, source maps). */
  readonly environment: Record<string, string>;
  /** `BOUNCE_POLICY`, set only when the policy overrides something. */
  readonly policy?: PolicyConfig | undefined;
  /** @default 256 */
  readonly memorySize?: number;
  /**
   * Reserved concurrency (the NIST 800-53 r5 profile sets one on every function).
   * @default none: the function draws on the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number | undefined;
}

/**
 * The settings every function of the stack shares: ARM64, the Node runtime, its own role and log
 * group, X-Ray active tracing (call {@link acknowledgeXRayWildcard} on the role's policy), and the
 * prebuilt code (tsup.config.ts bundles it once: ESM, minified, source maps, the tested SDK bundled in).
 */
export function functionProps(settings: FunctionSettings): lambda.FunctionProps {
  const policy = settings.policy ?? {};
  return {
    description: settings.description,
    code: prebuiltCode(settings.entry),
    handler: 'index.handler',
    runtime: FUNCTION_RUNTIME,
    role: settings.role,
    architecture: lambda.Architecture.ARM_64,
    memorySize: settings.memorySize ?? 256,
    timeout: settings.timeout,
    ...(settings.reservedConcurrentExecutions === undefined
      ? {}
      : { reservedConcurrentExecutions: settings.reservedConcurrentExecutions }),
    // Every function traced: a slow or failing invocation shows where its time went (cdk-nag Serverless).
    tracing: lambda.Tracing.ACTIVE,
    logGroup: settings.logGroup,
    environment: {
      ...settings.environment,
      POWERTOOLS_SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE,
      LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      ...(Object.keys(policy).length > 0 ? { BOUNCE_POLICY: JSON.stringify(policy) } : {}),
    },
  };
}

/**
 * The asset of a prebuilt function: its directory as the package build left it (no bundling at synth,
 * so a consumer's synth needs neither esbuild nor the TypeScript sources).
 */
function prebuiltCode(directory: string): lambda.Code {
  if (!existsSync(path.join(directory, 'index.mjs'))) {
    throw new Error(
      `no prebuilt function in ${directory} (index.mjs): run \`npm run build\` (in this repository) or reinstall ses-bounce-handler`,
    );
  }
  return lambda.Code.fromAsset(directory, { exclude: ['*.d.ts'] });
}

/**
 * `tracing: ACTIVE` adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*" to the role's
 * policy. Acknowledged on that policy only; test/infra/nag.test.ts checks that X-Ray is the only "*"
 * in it, so a later wildcard is not hidden by this acknowledgement.
 */
export function acknowledgeXRayWildcard(policy: IConstruct): void {
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'X-Ray write actions (xray:PutTraceSegments, xray:PutTelemetryRecords) support no resource-level ' +
      'permissions, so the IAM service only accepts Resource "*" for them; every other statement in this ' +
      "policy is scoped to the function's own log group, the suppression table, a queue or a topic.",
  });
}

/**
 * The CloudFormation resource of an L2 construct: acknowledgements go there, so they reach that one
 * template resource and not its children (a queue's policy, a function's event source mapping).
 */
export function cfnOf(construct: IConstruct): IConstruct {
  const cfn = construct.node.defaultChild;
  if (cfn === undefined) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return cfn;
}

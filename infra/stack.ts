import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type AppConfig, resolveSettings, type SesBounceHandlerProps } from './config';
import { SesBounceHandler } from './construct';

/** A standalone deployment's props: the stack's own (`env`, `stackName`, tags, …) and the construct's settings. */
export interface SesBounceHandlerStackProps extends StackProps, SesBounceHandlerProps {}

/**
 * The keys of `StackProps` (aws-cdk-lib): the stack takes these itself, everything else must be a
 * setting of {@link SesBounceHandler} (an unknown key is refused, with "did you mean …").
 */
export const STACK_PROP_KEYS = [
  'analyticsReporting',
  'crossRegionReferences',
  'description',
  'env',
  'notificationArns',
  'permissionsBoundary',
  'propertyInjectors',
  'stackName',
  'suppressTemplateIndentation',
  'synthesizer',
  'tags',
  'terminationProtection',
] as const;

/** Stack props from validated config; `infra/app.ts` and the tests build the stack through this. */
export function stackPropsFromConfig(config: AppConfig): SesBounceHandlerStackProps {
  return config;
}

/**
 * A standalone deployment: a stack that holds one {@link SesBounceHandler} and nothing else (this
 * repository's app, `cdk.json`). The construct's id is `Default`, which CDK leaves out of logical
 * IDs: the stack's resources keep the names they had before the construct existed.
 */
export class SesBounceHandlerStack extends Stack {
  readonly handler: SesBounceHandler;

  constructor(scope: Construct, id: string, props: SesBounceHandlerStackProps = {}) {
    // Judged here first, so a typo of a stack prop gets its "did you mean" too.
    resolveSettings(props, 'SesBounceHandlerStack', STACK_PROP_KEYS);
    const stackProps: Record<string, unknown> = {};
    const settings: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(props)) {
      if ((STACK_PROP_KEYS as readonly string[]).includes(key)) stackProps[key] = value;
      else settings[key] = value;
    }
    super(scope, id, {
      description: 'SES bounce and complaint handler: SNS -> SQS -> Lambda -> DynamoDB suppression table',
      ...(stackProps as StackProps),
    });
    this.handler = new SesBounceHandler(this, 'Default', settings);
  }
}

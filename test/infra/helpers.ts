import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { NagPack } from 'cdk-nag';
import { loadConfig } from '../../infra/config';
import { applyChecks } from '../../infra/nag';
import { REPO_ROOT } from '../../infra/paths';
import { SesBounceHandlerStack, stackPropsFromConfig } from '../../infra/stack';

/** The `context` of cdk.json (feature flags), so tests synthesize what `cdk synth` does. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }
).context;

export interface SynthesizedStack {
  readonly app: App;
  readonly stack: SesBounceHandlerStack;
  readonly template: Template;
  /** Removes the temporary cloud assembly directory; call from `afterAll`. */
  readonly cleanup: () => void;
  /** The cdk-nag packs applied to the stack, when asked for with `{ nag: true }`. */
  readonly nag: NagPack[] | undefined;
}

/**
 * Synthesizes the stack the same way `infra/app.ts` does (cdk.json feature flags, config → typed
 * props, optionally the cdk-nag checks), into a throwaway outdir, with asset bundling skipped
 * (`aws:cdk:bundling-stacks: []`) so tests need neither esbuild runs nor a compilable handler.
 */
export function synthesize(
  context: Record<string, unknown> = {},
  options: { readonly nag?: boolean } = {},
): SynthesizedStack {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ses-bounce-handler-cdk-'));
  const app = new App({ outdir, context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const config = loadConfig(context);
  const stack = new SesBounceHandlerStack(app, config.stackName, stackPropsFromConfig(config));
  const nag =
    options.nag === true ? applyChecks(stack, { nist: config.compliance === 'nist-800-53-r5' }) : undefined;
  const template = Template.fromStack(stack);
  return { app, stack, template, nag, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/**
 * Resources of a type, optionally only those under a top-level construct of the stack (`scope`, e.g.
 * 'Processor': CDK logical IDs start with the construct path).
 */
export function resourcesOfType(
  template: Template,
  type: string,
  scope?: string,
): [string, Record<string, unknown>][] {
  return Object.entries(template.findResources(type)).filter(
    ([logicalId]) => scope === undefined || logicalId.startsWith(scope),
  );
}

/** The one resource of a type (under `scope`, if given), failing loudly if there is not exactly one. */
export function onlyResource(
  template: Template,
  type: string,
  scope?: string,
): { logicalId: string; resource: Record<string, unknown> } {
  const found = resourcesOfType(template, type, scope);
  if (found.length !== 1)
    throw new Error(`expected exactly one ${type}${scope ? ` under ${scope}` : ''}, found ${found.length}`);
  const [logicalId, resource] = found[0] as [string, Record<string, unknown>];
  return { logicalId, resource };
}

/** The stack's own functions (and their roles and log groups) live under these constructs. */
const CORE_SCOPES = /^(Processor|Hygiene|Sync)/;

/** Resources of a type outside the processor, hygiene and sync constructs (custom-resource helpers …). */
export const extraResources = (template: Template, type: string) =>
  resourcesOfType(template, type).filter(([logicalId]) => !CORE_SCOPES.test(logicalId));

/** Properties of the one resource of a type (under `scope`, if given). */
export function onlyProperties(template: Template, type: string, scope?: string): Record<string, unknown> {
  return (onlyResource(template, type, scope).resource.Properties ?? {}) as Record<string, unknown>;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export const actionsOf = (statement: PolicyStatement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const resourcesOf = (statement: PolicyStatement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/**
 * A template value as one string: `Ref`/`Fn::GetAtt` become `${LogicalId}`/`${LogicalId.Attr}` and
 * `Fn::Join` is joined, e.g. `arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/x`.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return `\${${v.Ref}}`;
    if (Array.isArray(v['Fn::GetAtt'])) return `\${${v['Fn::GetAtt'].join('.')}}`;
    const join = v['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return (join[1] as unknown[]).map(render).join(join[0]);
    }
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** `arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:<resource>`, as {@link render} gives it. */
export const sesArn = (resource: string): string =>
  `arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:${resource}`;

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../infra/config';
import { SesBounceHandlerStack } from '../../infra/stack';

export interface SynthesizedStack {
  readonly stack: SesBounceHandlerStack;
  readonly template: Template;
  /** Removes the temporary cloud assembly directory; call from `afterAll`. */
  readonly cleanup: () => void;
}

/**
 * Synthesizes the stack the same way `infra/app.ts` does (config → typed props), into a throwaway
 * outdir, with asset bundling skipped (`aws:cdk:bundling-stacks: []`) so tests need neither esbuild
 * runs nor a compilable handler.
 */
export function synthesize(context: Record<string, unknown> = {}): SynthesizedStack {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ses-bounce-handler-cdk-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const config = loadConfig(context);
  const stack = new SesBounceHandlerStack(app, config.stackName, {
    stackName: config.stackName,
    processorBatchSize: config.processorBatchSize,
    processorMaxConcurrency: config.processorMaxConcurrency,
    dlqMaxReceiveCount: config.dlqMaxReceiveCount,
    logRetentionDays: config.logRetentionDays,
  });
  const template = Template.fromStack(stack);
  return { stack, template, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** The one resource of a type, failing loudly if there is not exactly one. */
export function onlyResource(
  template: Template,
  type: string,
): { logicalId: string; resource: Record<string, unknown> } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  const [logicalId, resource] = found[0] as [string, Record<string, unknown>];
  return { logicalId, resource };
}

/** Properties of the one resource of a type. */
export function onlyProperties(template: Template, type: string): Record<string, unknown> {
  return (onlyResource(template, type).resource.Properties ?? {}) as Record<string, unknown>;
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

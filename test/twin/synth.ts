import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../../infra/config';
import { SesBounceHandlerStack, stackPropsFromConfig } from '../../infra/stack';
import { CDK_JSON_CONTEXT } from '../infra/helpers';

/** A CloudFormation template as synthesized (the JSON `cdk deploy` would upload). */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }>;
  [k: string]: unknown;
}

export interface CloudAssembly {
  outdir: string;
  stackName: string;
  template: CfnTemplate;
  /** The asset directory of each Lambda function (what `cdk deploy` zips and uploads), by logical id. */
  assetDirs: Record<string, string>;
  cleanup(): void;
}

/** The app synthesized as `cdk synth` does (cdk.json feature flags, config → typed props) into a temp dir. */
function synthesize(context: Record<string, unknown>, appContext: Record<string, unknown>) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ses-bounce-twin-'));
  const app = new App({ outdir, context: { ...CDK_JSON_CONTEXT, ...appContext } });
  const config = loadConfig(context);
  new SesBounceHandlerStack(app, config.stackName, stackPropsFromConfig(config));
  const artifact = app.synth().getStackByName(config.stackName);
  const template = JSON.parse(readFileSync(artifact.templateFullPath, 'utf8')) as CfnTemplate;
  const cleanup = () => rmSync(outdir, { recursive: true, force: true });
  return { outdir, stackName: config.stackName, template, cleanup };
}

/**
 * Synthesizes the app as `cdk synth` does (cdk.json feature flags, config → typed props) with asset
 * bundling ON: each function's asset directory holds the esbuild bundle that would be deployed.
 */
export function synthesizeWithBundles(context: Record<string, unknown>): CloudAssembly {
  const synthesized = synthesize(context, { 'aws:cdk:enable-asset-metadata': true });
  const { outdir, template } = synthesized;
  const assetDirs: Record<string, string> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const metadata = resource.Metadata as Record<string, unknown> | undefined;
    const assetPath = metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') continue;
    assetDirs[logicalId] = path.resolve(outdir, assetPath);
  }
  return { ...synthesized, assetDirs };
}

/**
 * Another configuration's template, synthesized without bundling (fast), its functions running the
 * bundles of `bundled` (the same code, so the same assets: only the template's settings differ).
 */
export function synthesizeReusingBundles(
  context: Record<string, unknown>,
  bundled: CloudAssembly,
): CloudAssembly {
  const synthesized = synthesize(context, { 'aws:cdk:bundling-stacks': [] });
  const { template } = synthesized;
  const assetDirs: Record<string, string> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const dir = bundled.assetDirs[logicalId];
    if (dir) assetDirs[logicalId] = dir;
  }
  return { ...synthesized, assetDirs };
}

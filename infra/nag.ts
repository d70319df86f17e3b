import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import type { ComplianceProfile } from './config';

/**
 * Runs cdk-nag's AwsSolutions and Serverless rules on every synth of `app` (CDK policy-validation
 * plugins), and the NIST 800-53 rev 5 rules too under `compliance: "nist-800-53-r5"`. Any finding,
 * error or warning, not acknowledged with `Validations.of(construct).acknowledge({ id, reason })`
 * fails synth, and `cdk.out/validation-report.json` lists it.
 *
 * Acknowledgements live next to the resource they concern (in `infra/constructs/`), each with the
 * reason (docs/security.md lists them all); they are also written into the template as
 * `Metadata.cdk_nag.rules_to_suppress`, so a reviewer sees them in the deployed stack.
 */
export function addNagChecks(app: App, compliance: ComplianceProfile = 'none'): NagPack[] {
  // One pack writes the acknowledgements into the template (they are the same for every pack).
  const packs: NagPack[] = [
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
    new ServerlessChecks(app, { verbose: true }),
  ];
  if (compliance === 'nist-800-53-r5') packs.push(new NIST80053R5Checks(app, { verbose: true }));
  Validations.of(app).addPlugins(...packs);
  return packs;
}

import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Runs cdk-nag's AwsSolutions rules on every synth of `app` (a CDK policy-validation plugin): any
 * finding not acknowledged with `Validations.of(construct).acknowledge({ id, reason })` fails synth,
 * and `cdk.out/validation-report.json` lists it.
 *
 * Acknowledgements live next to the resource they concern (in `infra/constructs/`), each with the
 * reason; they are also written into the template as `Metadata.cdk_nag.rules_to_suppress`, so a
 * reviewer sees them in the deployed stack.
 */
export function addNagChecks(app: App): AwsSolutionsChecks {
  const checks = new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true });
  Validations.of(app).addPlugins(checks);
  return checks;
}

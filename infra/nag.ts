import { Aspects } from 'aws-cdk-lib';
import {
  AwsSolutionsChecks,
  type NagPack,
  NIST80053R5Checks,
  ServerlessChecks,
  WriteNagSuppressionsToCloudFormationAspect,
} from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { SesBounceHandler } from './construct';

export interface CheckOptions {
  /**
   * Also run cdk-nag's NIST 800-53 rev 5 pack (deploy with `compliance: 'nist-800-53-r5'`, which adds
   * the resources it asks for).
   * @default true when `scope` is a SesBounceHandler deployed with that profile, else false
   */
  readonly nist?: boolean;
}

/**
 * Runs cdk-nag's AwsSolutions and Serverless packs (and NIST 800-53 r5 when asked) on the resources
 * under `scope` only — a `SesBounceHandler` (plus the stack-level AwsCustomResource function it uses),
 * or a whole stack — when the app synthesizes. Any finding, error or warning, that is not acknowledged
 * fails synthesis, naming the rule and the construct path; nothing outside `scope` is judged.
 *
 * Acknowledgements live next to the resource they concern (`Validations.of(resource).acknowledge(…)`
 * in `infra/constructs/`, each with its reason; docs/security.md lists them), so they travel with the
 * construct; they are also written into the template as `Metadata.cdk_nag.rules_to_suppress`.
 *
 * Copy-safe: the checks are a construct validation (`node.addValidation`, run by whichever
 * aws-cdk-lib synthesizes the app) and the metadata aspect is added through the scope's own
 * aws-cdk-lib; cdk-nag finds resources by `CfnResource.isCfnResource`, not `instanceof`.
 */
export function applyChecks(scope: IConstruct, options: CheckOptions = {}): NagPack[] {
  const handler = SesBounceHandler.isSesBounceHandler(scope) ? scope : undefined;
  const nist = options.nist ?? handler?.settings.compliance === 'nist-800-53-r5';
  // verbose: a finding explains itself (the rule's why, not only its name).
  const packs: NagPack[] = [
    new AwsSolutionsChecks(undefined, { verbose: true }),
    new ServerlessChecks(undefined, { verbose: true }),
  ];
  if (nist) packs.push(new NIST80053R5Checks(undefined, { verbose: true }));
  Aspects.of(scope).add(new WriteNagSuppressionsToCloudFormationAspect());
  const provider = handler?.sesWiring.providerFunction;
  if (provider !== undefined) Aspects.of(provider).add(new WriteNagSuppressionsToCloudFormationAspect());
  scope.node.addValidation({
    validate: () =>
      findings(packs, provider === undefined ? [scope] : [scope, provider]).map(
        ({ rule, severity, path, description }) => `[${rule}] (${severity}) ${path}: ${description}`,
      ),
  });
  return packs;
}

export interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
  readonly description: string;
}

/** Every unacknowledged finding of `packs` under `scopes`, one per rule and resource. */
export function findings(packs: readonly NagPack[], scopes: readonly IConstruct[]): Finding[] {
  return packs.flatMap((pack) =>
    scopes.flatMap((scope) =>
      pack.validateScope(scope).violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => ({
          rule: violation.ruleName,
          severity: violation.severity ?? 'error',
          path: resource.constructPath ?? '(no path)',
          description: violation.description,
        })),
      ),
    ),
  );
}

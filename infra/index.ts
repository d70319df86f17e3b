/**
 * `ses-bounce-handler/cdk`: the handler as a construct for your own CDK app (docs/construct.md).
 * aws-cdk-lib and constructs are yours (peer dependencies); the Lambda code is prebuilt in the package.
 */
export {
  COMPLIANCE_PROFILES,
  type ComplianceProfile,
  ConfigError,
  IDENTITY_NOTIFICATION_TYPES,
  type IdentityNotificationType,
  LOG_RETENTION_DAYS,
  SES_EVENT_TYPES,
  SES_SYNC_MODES,
  type SesBounceHandlerProps,
  type SesBounceHandlerSettings,
  type SesEventType,
  type SesSyncMode,
} from './config';
export { CHECK_ACTIONS, SesBounceHandler } from './construct';
export type { ChatSettings, SlackChannel, TeamsChannel } from './constructs/chat';
export { applyChecks, type CheckOptions, type Finding, findings } from './nag';
export { SesBounceHandlerStack, type SesBounceHandlerStackProps } from './stack';

import { App } from 'aws-cdk-lib';
import { type AppConfig, ConfigError, loadConfig } from './config';
import { applyChecks } from './nag';
import { SesBounceHandlerStack, stackPropsFromConfig } from './stack';

const app = new App();

// Config is resolved once, here, from the whole context: a key that is not a setting (a typo such as
// `-c alarmEmial=…`) is refused with "did you mean …"; CDK's own keys are left alone.
let config: AppConfig;
try {
  config = loadConfig(app.node.getAllContext() as Record<string, unknown>);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

// The same construct a consumer adds to their own stack (ses-bounce-handler/cdk), standalone.
const stack = new SesBounceHandlerStack(app, config.stackName, stackPropsFromConfig(config));

// cdk-nag AwsSolutions + Serverless (+ NIST 800-53 r5 under that profile) on the whole stack: an
// unacknowledged finding fails synth (and so deploy).
applyChecks(stack, { nist: config.compliance === 'nist-800-53-r5' });

app.synth();

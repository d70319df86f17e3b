import { App } from 'aws-cdk-lib';
import { type AppConfig, CONFIG_KEYS, ConfigError, loadConfig } from './config';
import { addNagChecks } from './nag';
import { SesBounceHandlerStack, stackPropsFromConfig } from './stack';

const app = new App();

// Config is resolved once, here; everything below receives typed props.
let config: AppConfig;
try {
  config = loadConfig(Object.fromEntries(CONFIG_KEYS.map((key) => [key, app.node.tryGetContext(key)])));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

new SesBounceHandlerStack(app, config.stackName, stackPropsFromConfig(config));

// cdk-nag AwsSolutions + Serverless (+ NIST 800-53 r5 under that profile): an unacknowledged
// finding fails synth (and so deploy).
addNagChecks(app, config.compliance);

app.synth();

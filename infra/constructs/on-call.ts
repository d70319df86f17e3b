import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface OnCallProps {
  /**
   * Email address subscribed to the topic (it must confirm the subscription).
   * @default no subscription: subscribe your pager to the `OnCallTopicArn` output
   */
  readonly alarmEmail?: string | undefined;
}

/** The on-call SNS topic: KMS-encrypted, TLS-only, publishable by CloudWatch alarms of this account. */
export class OnCall extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: OnCallProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts on-call alarm notifications in the SNS topic',
      enableKeyRotation: true,
    });
    // CloudWatch alarms can publish to an encrypted topic only if they may use its key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'OnCallTopic', {
      displayName: 'SES bounce handler: on-call alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      const subscription = this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An alarm notification SNS cannot deliver to this email address would sit in a DLQ whose own ' +
          'alarm can only notify this same topic, so nobody would learn of it from there. The alarm state ' +
          'stays in CloudWatch (and on the dashboard) either way, and the OnCallTopicArn output is the place ' +
          'to subscribe a pager as a second endpoint.',
      });
    }
  }
}

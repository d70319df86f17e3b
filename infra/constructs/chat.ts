import { Names } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as z from 'zod';
import { describeZodError } from '../../shared/core/notification';

/** A Slack channel already authorised in AWS Chatbot (the console's one-time workspace OAuth). */
export interface SlackChannel {
  /** The workspace id (`T…`), from the AWS Chatbot console. */
  readonly workspaceId: string;
  /** The channel id (`C…`, Slack: channel details → bottom). */
  readonly channelId: string;
}

/** A Microsoft Teams channel already authorised in AWS Chatbot (the console's one-time team onboarding). */
export interface TeamsChannel {
  /** The team id (a UUID). */
  readonly teamId: string;
  /** The channel id (`19:…@thread.tacv2`, from the channel's link). */
  readonly channelId: string;
  /** The Microsoft Entra tenant id (a UUID). */
  readonly tenantId: string;
}

/** Where on-call alarms also go: one Slack or Microsoft Teams channel, or none (`{}`). */
export interface ChatSettings {
  readonly slack?: SlackChannel | undefined;
  readonly teams?: TeamsChannel | undefined;
}

const id = (what: string, pattern: RegExp) =>
  z.string({ error: `expected ${what}` }).regex(pattern, { error: `expected ${what}` });
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ChatSchema = z
  .strictObject({
    slack: z
      .strictObject({
        workspaceId: id('a Slack workspace id (T…, letters and digits)', /^[0-9A-Z]{1,255}$/),
        channelId: id('a Slack channel id (C…, letters and digits)', /^[A-Za-z0-9]{1,255}$/),
      })
      .optional(),
    teams: z
      .strictObject({
        teamId: id('a Teams team id (a UUID)', UUID),
        channelId: id('a Teams channel id (19:…@thread.tacv2)', /^[^\s]{1,255}$/),
        tenantId: id('a Microsoft Entra tenant id (a UUID)', UUID),
      })
      .optional(),
  })
  .refine((chat) => !(chat.slack && chat.teams), {
    error: 'expected one chat channel: slack or teams, not both',
  });

/** The `chat` setting, validated; errors name the key and quote the bad value. */
export function resolveChatSettings(input: unknown, where = 'chat'): ChatSettings {
  const parsed = ChatSchema.safeParse(input ?? {});
  if (!parsed.success) throw new Error(describeZodError(parsed.error, input, where));
  return parsed.data as ChatSettings;
}

export interface ChatProps {
  /** The on-call topic whose alarms go to the channel. */
  readonly topic: sns.ITopic;
  readonly chat: ChatSettings;
}

/**
 * On-call alarms in a Slack or Teams channel through AWS Chatbot. Least privilege: the channel's
 * role has no permission at all (delivering the topic's notifications needs none), and the
 * guardrail caps whatever anyone in the channel could ever do through it at reading CloudWatch;
 * channel members get no IAM role of their own (`userRoleRequired` off: nobody acts from chat).
 */
export class ChatNotifications extends Construct {
  readonly role: iam.Role;
  readonly guardrail: iam.IManagedPolicy;
  readonly configurationArn: string;

  constructor(scope: Construct, id: string, props: ChatProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'ChannelRole', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: 'AWS Chatbot channel role for on-call alarms: no permissions (notifications only)',
    });
    this.guardrail = iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchReadOnlyAccess');
    // Unique per account (Chatbot's names are account-wide), at most 128 characters.
    const name = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    const { slack, teams } = props.chat;
    if (slack) {
      const channel = new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: name,
        slackWorkspaceId: slack.workspaceId,
        slackChannelId: slack.channelId,
        notificationTopics: [props.topic],
        role: this.role,
        guardrailPolicies: [this.guardrail],
        userRoleRequired: false,
        loggingLevel: chatbot.LoggingLevel.ERROR,
      });
      this.configurationArn = channel.slackChannelConfigurationArn;
    } else if (teams) {
      const channel = new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, 'Teams', {
        configurationName: name,
        teamId: teams.teamId,
        teamsChannelId: teams.channelId,
        teamsTenantId: teams.tenantId,
        iamRoleArn: this.role.roleArn,
        snsTopicArns: [props.topic.topicArn],
        guardrailPolicies: [this.guardrail.managedPolicyArn],
        userRoleRequired: false,
        loggingLevel: 'ERROR',
      });
      this.configurationArn = channel.attrArn;
    } else {
      throw new Error('ChatNotifications needs a slack or a teams channel');
    }
  }
}

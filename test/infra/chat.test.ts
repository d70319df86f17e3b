import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config';
import { findings } from '../../infra/nag';
import { type SynthesizedStack, synthesize } from './helpers';

const SLACK = { slack: { workspaceId: 'T0123ABCD', channelId: 'C0456EFGH' } };
const TEAMS = {
  teams: {
    teamId: '5f1c0a3e-2b7d-4c1a-9e0f-1234567890ab',
    channelId: '19:0a1b2c3d4e5f@thread.tacv2',
    tenantId: '9a8b7c6d-5e4f-4a3b-8c2d-0987654321fe',
  },
};

const onCallTopicRef = (synth: SynthesizedStack) => {
  const id = Object.keys(synth.template.findResources('AWS::SNS::Topic')).find((key) =>
    key.includes('OnCall'),
  );
  if (!id) throw new Error('no on-call topic');
  return { Ref: id };
};

describe('on-call alarms in chat (AWS Chatbot)', () => {
  const synths: SynthesizedStack[] = [];
  afterAll(() => {
    for (const s of synths) s.cleanup();
  });
  const synth = (context: Record<string, unknown>) => {
    const s = synthesize(context, { nag: true });
    synths.push(s);
    return s;
  };

  it('connects the on-call topic to the Slack channel with a read-only guardrail and no user roles', () => {
    const s = synth({ chat: SLACK });
    const configs = s.template.findResources('AWS::Chatbot::SlackChannelConfiguration');
    expect(Object.keys(configs)).toHaveLength(1);
    const props = Object.values(configs)[0]?.Properties as Record<string, unknown>;
    expect(props).toMatchObject({
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0456EFGH',
      SnsTopicArns: [onCallTopicRef(s)],
      UserRoleRequired: false,
    });
    expect(JSON.stringify(props.GuardrailPolicies)).toContain(':iam::aws:policy/CloudWatchReadOnlyAccess');
    expect(props.GuardrailPolicies).toHaveLength(1);
  });

  it('gives the channel role no permission at all (notifications need none)', () => {
    const s = synth({ chat: SLACK });
    const roles = Object.entries(s.template.findResources('AWS::IAM::Role')).filter(([, r]) =>
      JSON.stringify(r.Properties?.AssumeRolePolicyDocument).includes('chatbot.amazonaws.com'),
    );
    expect(roles).toHaveLength(1);
    const [roleId, role] = roles[0] as [string, { Properties: Record<string, unknown> }];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    const attached = Object.values(s.template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties?.Roles).includes(roleId),
    );
    expect(attached).toEqual([]);
  });

  it('connects a Microsoft Teams channel the same way', () => {
    const s = synth({ chat: TEAMS });
    const configs = Object.values(
      s.template.findResources('AWS::Chatbot::MicrosoftTeamsChannelConfiguration'),
    );
    expect(configs).toHaveLength(1);
    expect(configs[0]?.Properties).toMatchObject({
      TeamId: TEAMS.teams.teamId,
      TeamsChannelId: TEAMS.teams.channelId,
      TeamsTenantId: TEAMS.teams.tenantId,
      SnsTopicArns: [onCallTopicRef(s)],
      UserRoleRequired: false,
    });
    expect(JSON.stringify(configs[0]?.Properties.GuardrailPolicies)).toContain('CloudWatchReadOnlyAccess');
    s.template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
  });

  it('creates nothing of AWS Chatbot by default', () => {
    const s = synthesize();
    synths.push(s);
    s.template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    s.template.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 0);
  });

  it('is clean under cdk-nag (AwsSolutions, Serverless) with no acknowledgement', () => {
    for (const chat of [SLACK, TEAMS]) {
      const s = synth({ chat });
      const found = findings(s.nag ?? [], [s.stack]).filter((f) => f.path.includes('/Chat'));
      expect(found, JSON.stringify(chat)).toEqual([]);
    }
  });

  it('refuses a bad chat setting at synth, naming the key and the value', () => {
    expect(() => loadConfig({ chat: { slack: { workspaceId: 'acme team', channelId: 'C1' } } })).toThrow(
      /chat.*slack\.workspaceId.*Slack workspace id.*acme team/s,
    );
    expect(() => loadConfig({ chat: { ...SLACK, ...TEAMS } })).toThrow(/slack or teams, not both/);
    expect(() => loadConfig({ chat: { discord: {} } })).toThrow(/discord/);
    // cdk.json -c passes strings: JSON is read.
    expect(loadConfig({ chat: JSON.stringify(SLACK) }).chat).toEqual(SLACK);
  });
});

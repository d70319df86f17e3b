import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  extraResources,
  onlyProperties,
  onlyResource,
  type PolicyStatement,
  render,
  resourcesOf,
  type SynthesizedStack,
  sesArn,
  synthesize,
} from './helpers';

const CUSTOM_RESOURCE = 'Custom::SesIdentityNotificationTopic';
const EVENT_DESTINATION = 'AWS::SES::ConfigurationSetEventDestination';
const PROVIDER_ID_PREFIX = 'AWS679f53fac002430cb0da5b7982bd2287';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
const entries = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [string, Resource][];

const topicId = (template: Template) => onlyResource(template, 'AWS::SNS::Topic', 'Ingest').logicalId;
const topicPolicy = (template: Template) => onlyResource(template, 'AWS::SNS::TopicPolicy', 'Ingest');
const sesAllow = (template: Template) => {
  const statements = (
    topicPolicy(template).resource.Properties as { PolicyDocument: { Statement: PolicyStatement[] } }
  ).PolicyDocument.Statement.filter((s) => s.Effect === 'Allow');
  expect(statements).toHaveLength(1);
  return statements[0] as PolicyStatement;
};

/** The topic policy's `aws:SourceArn` values for SES, rendered; [] when there is no such condition. */
const sourceArns = (template: Template): string[] => {
  const arns = sesAllow(template).Condition?.ArnLike?.['aws:SourceArn'];
  return arns === undefined ? [] : (arns as unknown[]).map(render);
};

/** The SDK call of a custom resource's Create/Update/Delete, with the topic ARN as `${TopicLogicalId}`. */
const sdkCall = (resource: Resource, phase: 'Create' | 'Update' | 'Delete') =>
  JSON.parse(render(resource.Properties[phase])) as {
    service: string;
    action: string;
    parameters: Record<string, string>;
    physicalResourceId: { id: string };
  };

describe('SES wiring', () => {
  describe('when nothing is configured (default)', () => {
    let synth: SynthesizedStack;
    beforeAll(() => {
      synth = synthesize();
    });
    afterAll(() => synth.cleanup());

    it('creates no event destination, no identity custom resource and no extra function or role', () => {
      const { template } = synth;
      template.resourceCountIs(EVENT_DESTINATION, 0);
      template.resourceCountIs(CUSTOM_RESOURCE, 0);
      expect(extraResources(template, 'AWS::Lambda::Function')).toHaveLength(0);
      expect(extraResources(template, 'AWS::IAM::Role')).toHaveLength(0);
      expect(extraResources(template, 'AWS::Logs::LogGroup')).toHaveLength(0);
      expect(synth.stack.handler.sesWiring.node.children).toHaveLength(0);
    });

    it('admits SES for any identity or configuration set of this account and region (aws:SourceArn)', () => {
      expect(sesAllow(synth.template).Condition?.StringEquals).toEqual({
        'aws:SourceAccount': { Ref: 'AWS::AccountId' },
      });
      expect(sourceArns(synth.template)).toEqual([sesArn('*')]);
    });
  });

  describe('configuration sets', () => {
    let synth: SynthesizedStack;
    let template: Template;
    beforeAll(() => {
      synth = synthesize({ sesConfigurationSets: 'main,marketing' });
      template = synth.template;
    });
    afterAll(() => synth.cleanup());

    it('adds one SNS event destination per set, referencing the set by name (not creating it)', () => {
      const destinations = entries(template, EVENT_DESTINATION).map(([, r]) => r.Properties);
      expect(destinations).toEqual([
        {
          ConfigurationSetName: 'main',
          EventDestination: {
            Enabled: true,
            MatchingEventTypes: ['bounce', 'complaint', 'delivery', 'send'],
            SnsDestination: { TopicARN: { Ref: topicId(template) } },
          },
        },
        expect.objectContaining({ ConfigurationSetName: 'marketing' }),
      ]);
      template.resourceCountIs('AWS::SES::ConfigurationSet', 0);
    });

    it('leaves the destination name to CloudFormation, so several stacks can wire the same set', () => {
      for (const [, r] of entries(template, EVENT_DESTINATION)) {
        expect(r.Properties.EventDestination).not.toHaveProperty('Name');
      }
    });

    it('takes the event types from config, in CloudFormation spelling', () => {
      const custom = synthesize({
        sesConfigurationSets: 'main',
        sesEventTypes: 'BOUNCE,COMPLAINT,DELIVERY_DELAY,REJECT',
      });
      try {
        expect(onlyProperties(custom.template, EVENT_DESTINATION).EventDestination).toMatchObject({
          MatchingEventTypes: ['bounce', 'complaint', 'deliveryDelay', 'reject'],
        });
      } finally {
        custom.cleanup();
      }
    });

    it('is created only after the topic policy and the queue subscription exist', () => {
      const policyId = topicPolicy(template).logicalId;
      const subscriptionId = onlyResource(template, 'AWS::SNS::Subscription').logicalId;
      for (const [, r] of entries(template, EVENT_DESTINATION)) {
        expect(r.DependsOn).toEqual(expect.arrayContaining([policyId, subscriptionId]));
      }
    });

    it('limits the topic policy to these configuration sets (ArnLike aws:SourceArn)', () => {
      const condition = sesAllow(template).Condition ?? {};
      expect(condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      expect(sourceArns(template)).toEqual([
        sesArn('configuration-set/main'),
        sesArn('configuration-set/marketing'),
      ]);
    });

    it('needs no custom resource', () => {
      template.resourceCountIs(CUSTOM_RESOURCE, 0);
      expect(extraResources(template, 'AWS::Lambda::Function')).toHaveLength(0);
    });
  });

  describe('identities', () => {
    let synth: SynthesizedStack;
    let template: Template;
    beforeAll(() => {
      synth = synthesize({ sesIdentities: '["example.com","noreply@example.org"]', logRetentionDays: 14 });
      template = synth.template;
    });
    afterAll(() => synth.cleanup());

    const customResources = () => entries(template, CUSTOM_RESOURCE);
    const provider = () => {
      const found = entries(template, 'AWS::Lambda::Function').filter(([id]) =>
        id.startsWith(PROVIDER_ID_PREFIX),
      );
      expect(found).toHaveLength(1);
      return found[0] as [string, Resource];
    };
    const providerRole = () => {
      const roleRef = provider()[1].Properties.Role as { 'Fn::GetAtt': [string, string] };
      return roleRef['Fn::GetAtt'][0];
    };
    const providerStatements = () =>
      entries(template, 'AWS::IAM::Policy')
        .filter(([, p]) =>
          (p.Properties.Roles as unknown[]).some((r) => render(r) === `\${${providerRole()}}`),
        )
        .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);

    it('sets the topic for every identity × notification type (3 each by default)', () => {
      const calls = customResources().map(([, r]) => sdkCall(r, 'Create'));
      const topic = `\${${topicId(template)}}`;
      expect(calls.map((c) => [c.parameters.Identity, c.parameters.NotificationType])).toEqual([
        ['example.com', 'Bounce'],
        ['example.com', 'Complaint'],
        ['example.com', 'Delivery'],
        ['noreply@example.org', 'Bounce'],
        ['noreply@example.org', 'Complaint'],
        ['noreply@example.org', 'Delivery'],
      ]);
      for (const call of calls) {
        expect(call).toMatchObject({
          service: 'SES',
          action: 'SetIdentityNotificationTopic',
          parameters: { SnsTopic: topic },
          physicalResourceId: { id: `${call.parameters.Identity}/${call.parameters.NotificationType}` },
        });
      }
    });

    it('sets the topic again on update and clears it (no SnsTopic) on delete', () => {
      for (const [, r] of customResources()) {
        const create = sdkCall(r, 'Create');
        expect(sdkCall(r, 'Update')).toEqual(create);
        const remove = sdkCall(r, 'Delete');
        expect(remove.action).toBe('SetIdentityNotificationTopic');
        expect(remove.parameters).toEqual({
          Identity: create.parameters.Identity,
          NotificationType: create.parameters.NotificationType,
        });
        expect(remove.physicalResourceId).toEqual(create.physicalResourceId);
      }
    });

    it('runs the calls one at a time (SES throttles), each after the topic setup and the role policy', () => {
      const policyId = topicPolicy(template).logicalId;
      const ids = customResources().map(([id]) => id);
      customResources().forEach(([, r], i) => {
        expect(r.DependsOn).toEqual(expect.arrayContaining([policyId, providerRole()]));
        if (i > 0) expect(r.DependsOn).toContain(ids[i - 1]);
      });
    });

    it('takes the notification types from config', () => {
      const custom = synthesize({
        sesIdentities: 'example.com',
        identityNotificationTypes: 'Bounce,Complaint',
      });
      try {
        const types = entries(custom.template, CUSTOM_RESOURCE).map(
          ([, r]) => sdkCall(r, 'Create').parameters.NotificationType,
        );
        expect(types).toEqual(['Bounce', 'Complaint']);
      } finally {
        custom.cleanup();
      }
    });

    it('limits the topic policy to these identities (ArnLike aws:SourceArn)', () => {
      const condition = sesAllow(template).Condition ?? {};
      expect(condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      expect(sourceArns(template)).toEqual([
        sesArn('identity/example.com'),
        sesArn('identity/noreply@example.org'),
      ]);
    });

    it('lists identities and configuration sets together in aws:SourceArn', () => {
      const both = synthesize({ sesIdentities: 'example.com', sesConfigurationSets: 'main' });
      try {
        expect(sourceArns(both.template)).toEqual([
          sesArn('identity/example.com'),
          sesArn('configuration-set/main'),
        ]);
      } finally {
        both.cleanup();
      }
    });

    describe('custom resource function', () => {
      it('uses its own role: no managed policies', () => {
        const [, role] = onlyEntry(template, 'AWS::IAM::Role', providerRole());
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        expect(role.Properties.AssumeRolePolicyDocument).toMatchObject({
          Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }],
        });
      });

      it('may call ses:SetIdentityNotificationTopic on the configured identities only', () => {
        const ses = providerStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
        expect(ses).toHaveLength(1);
        expect(actionsOf(ses[0] as PolicyStatement)).toEqual(['ses:SetIdentityNotificationTopic']);
        expect(resourcesOf(ses[0] as PolicyStatement).map(render)).toEqual([
          sesArn('identity/example.com'),
          sesArn('identity/noreply@example.org'),
        ]);
      });

      it('has nothing else but writing to its own log group, and no "*" anywhere', () => {
        const statements = providerStatements();
        const logGroupId = customResourceLogGroup()[0];
        const other = statements.filter((s) => !actionsOf(s).some((a) => a.startsWith('ses:')));
        expect(other).toEqual([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
          },
        ]);
        for (const s of statements) {
          expect(actionsOf(s).join()).not.toContain('*');
          for (const r of resourcesOf(s)) expect(r).not.toBe('*');
        }
      });

      const customResourceLogGroup = () => {
        const ref = provider()[1].Properties.LoggingConfig as { LogGroup: { Ref: string } };
        return onlyEntry(template, 'AWS::Logs::LogGroup', ref.LogGroup.Ref);
      };

      it('logs to its own log group with the configured retention, retained on delete', () => {
        const [, logGroup] = customResourceLogGroup();
        expect(logGroup.Properties).toEqual({ RetentionInDays: 14 });
        expect(logGroup).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      });

      it('is a single function shared by all identity custom resources', () => {
        const token = { 'Fn::GetAtt': [provider()[0], 'Arn'] };
        for (const [, r] of customResources()) expect(r.Properties.ServiceToken).toEqual(token);
        expect(extraResources(template, 'AWS::Lambda::Function')).toHaveLength(1);
      });

      it('uses the runtime SDK (no npm install during deployment)', () => {
        for (const [, r] of customResources()) expect(r.Properties.InstallLatestAwsSdk).toBe(false);
      });
    });
  });
});

function onlyEntry(template: Template, type: string, logicalId: string): [string, Resource] {
  const found = entries(template, type).find(([id]) => id === logicalId);
  if (!found) throw new Error(`no ${type} ${logicalId}`);
  return found;
}

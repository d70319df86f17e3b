import type { CfnTemplate } from './synth';

/** The fake account the twin "deploys" into: every Ref and GetAtt resolves to names and ARNs here. */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const PARTITION = 'aws';

/** What a resource is called locally: its name, ARN and (for queues) URL. */
export interface LocalResource {
  logicalId: string;
  type: string;
  name: string;
  arn: string;
  ref: string;
  attributes: Record<string, string>;
}

const SERVICE_OF: Record<string, string> = {
  'AWS::DynamoDB::Table': 'dynamodb',
  'AWS::SQS::Queue': 'sqs',
  'AWS::SNS::Topic': 'sns',
  'AWS::Lambda::Function': 'lambda',
  'AWS::KMS::Key': 'kms',
  'AWS::IAM::Role': 'iam',
  'AWS::Logs::LogGroup': 'logs',
  'AWS::Events::Rule': 'events',
  'AWS::CloudWatch::Alarm': 'cloudwatch',
};

function localResource(prefix: string, logicalId: string, type: string): LocalResource {
  const name = `${prefix}-${logicalId}`;
  const base = `arn:${PARTITION}`;
  switch (type) {
    case 'AWS::DynamoDB::Table': {
      const arn = `${base}:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
      return { logicalId, type, name, arn, ref: name, attributes: { Arn: arn } };
    }
    case 'AWS::SQS::Queue': {
      const arn = `${base}:sqs:${REGION}:${ACCOUNT}:${name}`;
      const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
      return {
        logicalId,
        type,
        name,
        arn,
        ref: url,
        attributes: { Arn: arn, QueueName: name, QueueUrl: url },
      };
    }
    case 'AWS::SNS::Topic': {
      const arn = `${base}:sns:${REGION}:${ACCOUNT}:${name}`;
      return { logicalId, type, name, arn, ref: arn, attributes: { TopicArn: arn, TopicName: name } };
    }
    case 'AWS::Lambda::Function': {
      const arn = `${base}:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      return { logicalId, type, name, arn, ref: name, attributes: { Arn: arn } };
    }
    case 'AWS::KMS::Key': {
      const arn = `${base}:kms:${REGION}:${ACCOUNT}:key/${logicalId}`;
      return {
        logicalId,
        type,
        name: logicalId,
        arn,
        ref: logicalId,
        attributes: { Arn: arn, KeyId: logicalId },
      };
    }
    case 'AWS::IAM::Role': {
      const arn = `${base}:iam::${ACCOUNT}:role/${name}`;
      return { logicalId, type, name, arn, ref: name, attributes: { Arn: arn, RoleId: logicalId } };
    }
    case 'AWS::Logs::LogGroup': {
      const arn = `${base}:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
      return { logicalId, type, name, arn, ref: name, attributes: { Arn: arn } };
    }
    default: {
      const service = SERVICE_OF[type] ?? type.split('::')[1]?.toLowerCase() ?? 'unknown';
      const arn = `${base}:${service}:${REGION}:${ACCOUNT}:${logicalId}`;
      return {
        logicalId,
        type,
        name,
        arn,
        ref: type.startsWith('AWS::') ? name : logicalId,
        attributes: { Arn: arn },
      };
    }
  }
}

/** Resolves the template's intrinsic functions against the twin's local names. */
export class Resolver {
  readonly resources: Record<string, LocalResource> = {};

  /** `instance` keeps the physical names of two twins of one template apart (one engine, many tests). */
  constructor(
    readonly template: CfnTemplate,
    readonly stackName: string,
    instance: string,
  ) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      this.resources[logicalId] = localResource(`${stackName}-${instance}`, logicalId, resource.Type);
    }
  }

  private pseudo(name: string): string | undefined {
    switch (name) {
      case 'AWS::Region':
        return REGION;
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::Partition':
        return PARTITION;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.stackName;
      default:
        return undefined;
    }
  }

  resource(logicalId: string): LocalResource {
    const found = this.resources[logicalId];
    if (!found) throw new Error(`no resource ${JSON.stringify(logicalId)} in the template`);
    return found;
  }

  /** A template value with every Ref, GetAtt, Join, Select, Split and Sub resolved. */
  value(input: unknown): unknown {
    if (Array.isArray(input)) return input.map((item) => this.value(item));
    if (typeof input !== 'object' || input === null) return input;
    const v = input as Record<string, unknown>;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = v[key];
      switch (key) {
        case 'Ref': {
          const name = String(arg);
          return this.pseudo(name) ?? this.resource(name).ref;
        }
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
          const resource = this.resource(String(id));
          const found = resource.attributes[String(attribute)];
          if (found === undefined)
            throw new Error(
              `GetAtt ${id}.${attribute}: the twin does not know this attribute of ${resource.type}`,
            );
          return found;
        }
        case 'Fn::Join': {
          const [separator, items] = arg as [string, unknown[]];
          return (this.value(items) as unknown[]).map(String).join(separator);
        }
        case 'Fn::Select': {
          const [index, items] = arg as [number, unknown];
          return (this.value(items) as unknown[])[Number(this.value(index))];
        }
        case 'Fn::Split': {
          const [separator, text] = arg as [string, unknown];
          return String(this.value(text)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, vars] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
          return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            if (name in vars) return String(this.value(vars[name]));
            if (name.includes('.')) return String(this.value({ 'Fn::GetAtt': name.split('.') }));
            return String(this.value({ Ref: name }));
          });
        }
        default:
          break;
      }
    }
    return Object.fromEntries(Object.entries(v).map(([key, item]) => [key, this.value(item)]));
  }

  string(input: unknown): string {
    const resolved = this.value(input);
    if (typeof resolved !== 'string') throw new Error(`expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  /** The logical id a value refers to (`Ref` or `GetAtt`), when it is a reference. */
  static referenced(input: unknown): string | undefined {
    if (typeof input !== 'object' || input === null) return undefined;
    const v = input as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att)) return String(att[0]);
    if (typeof att === 'string') return att.split('.')[0];
    return undefined;
  }

  /** Resources of a type, as [logicalId, properties]. */
  ofType(type: string): [string, Record<string, unknown>][] {
    return Object.entries(this.template.Resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId, resource]) => [logicalId, resource.Properties ?? {}]);
  }
}

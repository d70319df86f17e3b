import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';

export interface FunctionRoleProps {
  /** What the function does with the role (IAM role description). */
  readonly description: string;
  /**
   * Put what is granted into one customer managed policy (`AWS::IAM::ManagedPolicy`, child `Policy`)
   * instead of the inline `DefaultPolicy` (`AWS::IAM::Policy`), as the NIST 800-53 r5 profile asks.
   * @default false
   */
  readonly customerManagedPolicy?: boolean;
}

/**
 * A Lambda execution role of this stack. Grants (`grantWrite`, `grantTableItems`, tracing, event
 * sources) all reach a role through `addToPrincipalPolicy`, so routing that one method is enough to
 * move every statement into a customer managed policy when asked.
 */
export class FunctionRole extends iam.Role {
  private readonly customerManaged: boolean;
  private managedPolicy: iam.ManagedPolicy | undefined;

  constructor(scope: Construct, id: string, props: FunctionRoleProps) {
    super(scope, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.customerManaged = props.customerManagedPolicy ?? false;
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.customerManaged) return super.addToPrincipalPolicy(statement);
    this.managedPolicy ??= new iam.ManagedPolicy(this, 'Policy', {
      description: `What this function may do (${this.node.path})`,
      roles: [this],
    });
    this.managedPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.managedPolicy };
  }

  /** The policy holding what was granted so far (for acknowledgements that concern its statements). */
  get grantsPolicy(): IConstruct {
    return this.managedPolicy ?? this.node.findChild('DefaultPolicy');
  }

  /**
   * A policy of its own attached to this role (so an acknowledgement on it covers its statements and
   * nothing else): inline, or customer managed like the rest when the role is.
   */
  separatePolicy(scope: Construct, id: string, statements: iam.PolicyStatement[]): IConstruct {
    if (this.customerManaged) return new iam.ManagedPolicy(scope, id, { statements, roles: [this] });
    return new iam.Policy(scope, id, { statements, roles: [this] });
  }
}

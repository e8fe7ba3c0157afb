import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  /** Narrows the statement further (for DynamoDB: which keys a role may touch). */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface BotRoleProps {
  readonly roleName: string;
  readonly description: string;
  /** Every permission the function has, each on exact ARNs (no wildcard action, no `*` resource). */
  readonly statements: readonly PolicyStatement[];
}

/**
 * One function's execution role and its one inline policy. The policy is plain JSON of plan-time strings, so the
 * plan shows it in full.
 */
export class BotRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly statements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: BotRoleProps) {
    super(scope, id);
    this.statements = props.statements;
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    this.policy = new IamRolePolicy(this, "policy", {
      name: "least-privilege",
      // The name, not the id: known before apply, so the plan shows which role each policy belongs to.
      role: this.role.name,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: props.statements }),
    });
  }
}

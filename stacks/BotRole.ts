import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Fn } from "cdktf";
import { Construct } from "constructs";

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

export interface BotRoleProps {
  readonly roleName: string;
}

export interface BotRoleGrants {
  readonly logGroup: CloudwatchLogGroup;
  readonly secrets: readonly SecretsmanagerSecret[];
  /** The function itself, which invokes itself asynchronously for the slow half. */
  readonly fn: LambdaFunction;
}

/**
 * The function's execution role. Least privilege (DESIGN §6): write to its own log group, read its two secrets,
 * invoke itself; each statement names exact ARNs. The policy is attached after the function exists (`grant`),
 * because it names the function's own ARN.
 */
export class BotRole extends Construct {
  readonly role: IamRole;
  /** The policy's statements, as written (tests read them). */
  statements: readonly PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: BotRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: "dooray-gpt function: logs, its two secrets, invoking itself",
      assumeRolePolicy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
  }

  grant(grants: BotRoleGrants): IamRolePolicy {
    this.statements = [
      // ":*" is the log group's streams, the narrowest resource PutLogEvents accepts.
      { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${grants.logGroup.arn}:*`] },
      { Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: grants.secrets.map((secret) => secret.arn) },
      { Sid: "InvokeSelf", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [grants.fn.arn] },
    ];
    return new IamRolePolicy(this, "policy", {
      name: "least-privilege",
      role: this.role.id,
      policy: Fn.jsonencode({ Version: "2012-10-17", Statement: this.statements }),
    });
  }
}

import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";

export interface BotLogGroupProps {
  /** The function's name; Lambda writes to /aws/lambda/<functionName>. */
  readonly functionName: string;
  readonly retentionDays: number;
}

/** Created before the function, so Lambda never creates it without retention (or outside Terraform). */
export class BotLogGroup extends Construct {
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: BotLogGroupProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, "log_group", { name: `/aws/lambda/${props.functionName}`, retentionInDays: props.retentionDays });
  }
}

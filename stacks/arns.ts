/**
 * ARNs built from plan-time values (account id, region, names) rather than read from resources after apply, so a
 * reviewer sees every policy and environment variable in full in `terraform plan` (docs/operations.md, "Reviewing
 * a plan").
 */
export interface Place {
  readonly accountId: string;
  readonly region: string;
}

export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export function functionArn(place: Place, functionName: string): string {
  return `arn:${partitionOf(place.region)}:lambda:${place.region}:${place.accountId}:function:${functionName}`;
}

/** The log group's streams (`…:*`), the narrowest resource CreateLogStream and PutLogEvents accept. */
export function logStreamsArn(place: Place, logGroupName: string): string {
  return `arn:${partitionOf(place.region)}:logs:${place.region}:${place.accountId}:log-group:${logGroupName}:*`;
}

/** Secrets Manager appends a dash and six random characters to every secret's ARN; `??????` matches exactly those. */
export function secretArnPattern(place: Place, secretName: string): string {
  return `arn:${partitionOf(place.region)}:secretsmanager:${place.region}:${place.accountId}:secret:${secretName}-??????`;
}

/** A Bedrock foundation model: no account in its ARN (the model is AWS's). */
export function foundationModelArn(region: string, modelId: string): string {
  return `arn:${partitionOf(region)}:bedrock:${region}::foundation-model/${modelId}`;
}

/** IAM is global: no region in a role's ARN. */
export function roleArn(place: Place, roleName: string): string {
  return `arn:${partitionOf(place.region)}:iam::${place.accountId}:role/${roleName}`;
}

export function tableArn(place: Place, tableName: string): string {
  return `arn:${partitionOf(place.region)}:dynamodb:${place.region}:${place.accountId}:table/${tableName}`;
}

export function topicArn(place: Place, topicName: string): string {
  return `arn:${partitionOf(place.region)}:sns:${place.region}:${place.accountId}:${topicName}`;
}

export function logGroupArn(place: Place, logGroupName: string): string {
  return `arn:${partitionOf(place.region)}:logs:${place.region}:${place.accountId}:log-group:${logGroupName}`;
}

/** The account's KMS keys in the region; a statement on it is narrowed to one key by the key's alias. */
export function keysArnPattern(place: Place): string {
  return `arn:${partitionOf(place.region)}:kms:${place.region}:${place.accountId}:key/*`;
}

export function queueArn(place: Place, queueName: string): string {
  return `arn:${partitionOf(place.region)}:sqs:${place.region}:${place.accountId}:${queueName}`;
}

/** A call to an AWS API failed; `code` is AWS's error type (ThrottlingException, AccessDeniedException, …). */
export class AwsCallError extends Error {
  override readonly name = "AwsCallError";
  constructor(
    readonly service: "lambda" | "secretsmanager" | "dynamodb" | "sts",
    readonly code: string,
    readonly status: number,
    options?: { cause?: unknown; item?: Record<string, unknown> },
  ) {
    super(`${service} call failed: ${code} (HTTP ${status})`, options);
    this.item = options?.item;
  }

  /** DynamoDB's item as it stood when a condition refused a write asked with ReturnValuesOnConditionCheckFailure. */
  readonly item: Record<string, unknown> | undefined;
}

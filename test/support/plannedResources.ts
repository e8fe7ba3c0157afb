/** What a plan creates: the environment's KMS key and its alias; two functions with a role, policy, log group and
 * async-invoke config each; one layer; the edge's URL, public permission and dead-letter queue; two secret
 * containers (values are never Terraform's); the table; nine alarms and a dashboard (plus an SNS topic and
 * subscriptions when alarm e-mails are configured, as cdktf.json does not). */
export const PLANNED_RESOURCES = [
  "aws_cloudwatch_dashboard",
  ...Array<string>(9).fill("aws_cloudwatch_metric_alarm"),
  "aws_kms_alias",
  "aws_kms_key",
  "aws_sqs_queue",
  "aws_cloudwatch_log_group",
  "aws_cloudwatch_log_group",
  "aws_dynamodb_table",
  "aws_iam_role",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_role_policy",
  "aws_lambda_function",
  "aws_lambda_function",
  "aws_lambda_function_event_invoke_config",
  "aws_lambda_function_event_invoke_config",
  "aws_lambda_function_url",
  "aws_lambda_layer_version",
  "aws_lambda_permission",
  "aws_secretsmanager_secret",
  "aws_secretsmanager_secret",
].sort();

/** What a plan with no variable set creates: two functions with a role, policy and log group each; one layer, URL and
 * public permission (the edge); two async-invoke configs; two secrets. Versions appear only with values. */
export const PLANNED_WITHOUT_SECRET_VALUES = [
  "aws_cloudwatch_log_group",
  "aws_cloudwatch_log_group",
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
];

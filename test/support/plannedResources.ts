/** What a plan creates: two functions with a role, policy, log group and async-invoke config each; one layer; the
 * edge's URL and public permission; two secret containers (values are never Terraform's). */
export const PLANNED_RESOURCES = [
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

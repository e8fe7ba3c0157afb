import { parsePolicy } from "./iamPolicy.js";
import type { PlanJson } from "./offlineTerraform.js";
import { remains, type After, type ReviewSummary } from "./summaryModel.js";
import { rolesOf } from "./summaryAccess.js";

/** The keys and the code signing, read from the plan: what each key encrypts and who may use it; who signs what. */
export function keysOf(plan: PlanJson, of: (type: string) => After[]): ReviewSummary["keys"] {
  const keyChanges = plan.resource_changes.filter((change) => change.type === "aws_kms_key" && remains(change));
  return keyChanges.map((change) => {
    // One key per environment, with one alias.
    const alias = of("aws_kms_alias")[0]?.name as string | undefined;
    const statements = change.change.after_unknown?.policy === true ? undefined : parsePolicy(change.change.after.policy);
    const usesAlias = (value: unknown) => value === alias;
    const encrypts = [
      ...of("aws_secretsmanager_secret")
        .filter((secret) => usesAlias(secret.kms_key_id))
        .map((secret) => `secret ${secret.name}`),
      ...of("aws_dynamodb_table")
        .filter((table) => table.server_side_encryption?.[0]?.enabled)
        .map((table) => `table ${table.name}`),
      // A log group takes the key's ARN, which is known after apply only.
      ...plan.resource_changes
        .filter(
          (candidate) =>
            candidate.type === "aws_cloudwatch_log_group" &&
            remains(candidate) &&
            (candidate.change.after.kms_key_id || candidate.change.after_unknown?.kms_key_id === true),
        )
        .map((candidate) => `log group ${candidate.change.after.name}`),
      ...of("aws_sqs_queue")
        .filter((queue) => usesAlias(queue.kms_master_key_id))
        .map((queue) => `queue ${queue.name}`),
      ...of("aws_sns_topic")
        .filter((topic) => usesAlias(topic.kms_master_key_id))
        .map((topic) => `topic ${topic.name}`),
      // The code-signing bucket (the stack's only one): its default encryption names the key by its ARN, known after apply.
      ...(of("aws_s3_bucket_server_side_encryption_configuration").length > 0 ? of("aws_s3_bucket").map((bucket) => `bucket ${bucket.bucket}`) : []),
    ];
    const roles = rolesOf(plan).flatMap((role) =>
      role.statements
        .filter((statement) =>
          (statement.Condition as { "ForAnyValue:StringEquals"?: { "kms:ResourceAliases"?: string[] | string } } | undefined)?.["ForAnyValue:StringEquals"]?.[
            "kms:ResourceAliases"
          ]?.includes(alias ?? ""),
        )
        .map((statement) => ({
          role: role.role,
          actions: statement.Action,
          via: [(statement.Condition as { StringEquals?: { "kms:ViaService"?: string[] | string } }).StringEquals?.["kms:ViaService"] ?? []]
            .flat()
            .map((service) => service.split(".")[0]!),
        })),
    );
    return {
      alias: alias ?? "(no alias)",
      rotation: Boolean(change.change.after.enable_key_rotation),
      encrypts,
      statements: statements ?? [],
      policyUnknown: statements === undefined,
      roles,
    };
  });
}
/** Which functions and layers take their code signed, from S3, under a code-signing config (its ARN known after apply). */
export function codeSigningOf(plan: PlanJson, of: (type: string) => After[]): ReviewSummary["codeSigning"] {
  const changes = plan.resource_changes.filter((change) => remains(change));
  const signed = (change: (typeof changes)[number]) =>
    Boolean(change.change.after?.code_signing_config_arn) || change.change.after_unknown?.code_signing_config_arn === true;
  const functions = changes.filter((change) => change.type === "aws_lambda_function");
  return {
    profiles: of("aws_signer_signing_profile").map((profile) => ({
      name: String(profile.name ?? profile.name_prefix ?? "?"),
      platform: String(profile.platform_id),
    })),
    enforcement: of("aws_lambda_code_signing_config").map((config) => String(config.policies?.[0]?.untrusted_artifact_on_deployment ?? "Warn")),
    signedFunctions: functions.filter(signed).map((change) => String(change.change.after.function_name)),
    unsignedFunctions: functions.filter((change) => !signed(change)).map((change) => String(change.change.after.function_name)),
    signedLayers: changes
      .filter(
        (change) =>
          change.type === "aws_lambda_layer_version" &&
          !change.change.after?.filename &&
          (change.change.after?.s3_key || change.change.after_unknown?.s3_key === true),
      )
      .map((change) => String(change.change.after.layer_name)),
  };
}

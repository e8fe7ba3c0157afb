import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import type { LambdaLayerVersion } from "@cdktf/provider-aws/lib/lambda-layer-version";
import type { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { handlerPackageFiles } from "./assets/buildHandler.js";
import { zipAsset } from "./assets/zipAsset.js";

export interface BotFunctionProps {
  readonly functionName: string;
  readonly role: IamRole;
  readonly layer: LambdaLayerVersion;
  /** Created first; the function depends on it. */
  readonly logGroup: CloudwatchLogGroup;
  readonly openaiApiKeySecret: SecretsmanagerSecret;
  readonly doorayAppTokenSecret: SecretsmanagerSecret;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency: number;
  /** Non-secret settings, passed as environment (handler/config.ts names). */
  readonly settings: Readonly<Record<string, string>>;
}

/** Oldest a queued job may get before Lambda discards it; the job's own signature allows a little more. */
export const MAX_EVENT_AGE_SECONDS = 300;

/** The one function with both paths (edge and worker), its code a hashed asset of the esbuild bundle. */
export class BotFunction extends Construct {
  readonly fn: LambdaFunction;

  constructor(scope: Construct, id: string, props: BotFunctionProps) {
    super(scope, id);
    const code = zipAsset(this, "handler", handlerPackageFiles());
    this.fn = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: "dooray-gpt: Dooray /gpt slash command",
      role: props.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      layers: [props.layer.arn],
      memorySize: props.memoryMb,
      timeout: props.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency,
      loggingConfig: { logFormat: "JSON", logGroup: props.logGroup.name },
      environment: {
        variables: {
          ...props.settings,
          OPENAI_API_KEY_SECRET_ARN: props.openaiApiKeySecret.arn,
          DOORAY_APP_TOKEN_SECRET_ARN: props.doorayAppTokenSecret.arn,
        },
      },
      dependsOn: [props.logGroup],
    });
    // A retry would post a second answer; a job older than this is of no use to the person waiting.
    new LambdaFunctionEventInvokeConfig(this, "async_invoke", {
      functionName: this.fn.functionName,
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: MAX_EVENT_AGE_SECONDS,
    });
  }
}

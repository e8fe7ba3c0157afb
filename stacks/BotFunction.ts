import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { functionArn, logStreamsArn, roleArn, type Place } from "./arns.js";
import { handlerPackageFiles, type FunctionEntry } from "./assets/buildHandler.js";
import { zipAsset } from "./assets/zipAsset.js";
import type { BotKey } from "./BotKey.js";
import type { CodeSigning } from "./CodeSigning.js";
import { BotRole, type PolicyStatement } from "./BotRole.js";
import type { FunctionSizing } from "./config.js";

/** Lambda refuses a function whose environment variables (names and values) pass 4 KB. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;

export interface BotFunctionProps {
  readonly place: Place;
  readonly functionName: string;
  readonly description: string;
  /** Which bundle it runs: handler/<entry>/index.ts. */
  readonly entry: FunctionEntry;
  readonly sizing: FunctionSizing;
  readonly logRetentionDays: number;
  /** What it may do beyond writing its own logs. */
  readonly statements: readonly PolicyStatement[];
  /** Settings, passed as environment (handler/config.ts names); never a secret value. */
  readonly environment: Readonly<Record<string, string>>;
  readonly layers?: readonly string[];
  /** Created before the function, which uses them from its first request (the table). */
  readonly uses?: readonly ITerraformDependable[];
  /** The environment's key: the log group is encrypted with it. */
  readonly key: BotKey;
  /** X-Ray active tracing (the role then may send traces). */
  readonly tracing: boolean;
  /** Where Lambda puts an asynchronous event the function could not process after its retries. */
  readonly deadLetterQueueArn?: string;
  /** On: the bundle reaches Lambda signed, through S3, and the function runs only signed code. */
  readonly codeSigning?: CodeSigning | undefined;
}

/**
 * One Lambda function with everything that belongs to it alone: its code (a hashed asset of its esbuild bundle),
 * its log group with retention (created first), and its execution role (its own logs, plus the given statements).
 */
export class BotFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: BotRole;
  readonly logGroup: CloudwatchLogGroup;
  /** Known at plan time: built from the account, region and name. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: BotFunctionProps) {
    super(scope, id);
    const environmentBytes = Object.entries(props.environment).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
    this.node.addValidation({
      validate: () =>
        environmentBytes > LAMBDA_ENVIRONMENT_MAX_BYTES
          ? [
              `${props.functionName}: its environment would be ${environmentBytes} bytes, ${environmentBytes - LAMBDA_ENVIRONMENT_MAX_BYTES} over Lambda's ${LAMBDA_ENVIRONMENT_MAX_BYTES}; shorten the channels' system prompts (channels.<id>.systemPrompt) or list fewer profiles`,
            ]
          : [],
    });
    const logGroupName = `/aws/lambda/${props.functionName}`;
    this.arn = functionArn(props.place, props.functionName);
    this.logGroup = new CloudwatchLogGroup(this, "log_group", { name: logGroupName, retentionInDays: props.logRetentionDays, kmsKeyId: props.key.key.arn });
    this.role = new BotRole(this, "role", {
      roleName: `${props.functionName}`,
      description: props.description,
      statements: [
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [logStreamsArn(props.place, logGroupName)] },
        ...props.statements,
        // X-Ray's two write actions take no resource: "*" is the only form AWS accepts for them.
        ...(props.tracing
          ? [{ Sid: "SendTraces", Effect: "Allow" as const, Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: ["*"] }]
          : []),
      ],
    });
    const code = zipAsset(this, "handler", handlerPackageFiles(props.entry));
    // Signed, the function takes the signed copy from S3: a new bundle is a new upload, signature and key. (Its
    // source_code_hash is left out: Lambda's hash is of the signed copy, never of the zip built here.)
    const signed = props.codeSigning?.sign(this, code, props.functionName);
    const source =
      signed && props.codeSigning
        ? { s3Bucket: signed.s3Bucket, s3Key: signed.s3Key, codeSigningConfigArn: props.codeSigning.config.arn }
        : { filename: code.path, sourceCodeHash: Fn.filebase64sha256(code.path) };
    this.fn = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description,
      // Built from the account and name, so the plan shows it; dependsOn keeps the order a reference would give.
      role: roleArn(props.place, props.functionName),
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      ...source,
      ...(props.layers ? { layers: [...props.layers] } : {}),
      memorySize: props.sizing.memoryMb,
      timeout: props.sizing.timeoutSeconds,
      reservedConcurrentExecutions: props.sizing.reservedConcurrency,
      loggingConfig: { logFormat: "JSON", logGroup: logGroupName },
      tracingConfig: { mode: props.tracing ? "Active" : "PassThrough" },
      ...(props.deadLetterQueueArn ? { deadLetterConfig: { targetArn: props.deadLetterQueueArn } } : {}),
      environment: { variables: { ...props.environment } },
      // The log group first (Lambda never creates one without retention); the role with its policy first (the
      // function can write logs from its first run).
      dependsOn: [this.logGroup, this.role.role, this.role.policy, ...(props.uses ?? [])],
    });
  }
}

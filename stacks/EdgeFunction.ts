import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import type { CodeSigning } from "./CodeSigning.js";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Construct } from "constructs";
import type { Place } from "./arns.js";
import type { BotKey } from "./BotKey.js";
import type { BotTable } from "./BotTable.js";
import type { EdgeDeadLetters } from "./EdgeDeadLetters.js";
import { BotFunction } from "./BotFunction.js";
import type { FunctionSizing } from "./config.js";
import type { PolicyStatement } from "./BotRole.js";

export interface EdgeFunctionProps {
  readonly place: Place;
  readonly functionName: string;
  readonly sizing: FunctionSizing;
  readonly logRetentionDays: number;
  /** ARN pattern of the app-token secret: the one secret the edge reads. */
  readonly appTokenSecretArn: string;
  /** The worker it hands jobs to: the one function it may invoke. */
  readonly workerArn: string;
  /** The bot's table: the edge reads usage rows only. */
  readonly table: BotTable;
  readonly environment: Readonly<Record<string, string>>;
  readonly key: BotKey;
  readonly tracing: boolean;
  /** On: the bundle is signed and the function runs only signed code. */
  readonly codeSigning?: CodeSigning | undefined;
  /** Where a failure record goes that the edge could not process after its retries. */
  readonly deadLetters: EdgeDeadLetters;
}

/** How long Lambda keeps retrying to deliver a failure record to the edge (throttled or failed). */
export const EDGE_FAILURE_RECORD_MAX_AGE_SECONDS = 900;

/**
 * The public half: the Function URL Dooray posts to, and the target of the worker's on-failure records. Small,
 * no layer; its role reads the app token, invokes the worker and reads usage and conversation rows, nothing else. It never sees the
 * OpenAI key.
 */
export class EdgeFunction extends Construct {
  readonly function: BotFunction;
  readonly url: LambdaFunctionUrl;

  constructor(scope: Construct, id: string, props: EdgeFunctionProps) {
    super(scope, id);
    const statements: PolicyStatement[] = [
      { Sid: "ReadAppToken", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [props.appTokenSecretArn] },
      { Sid: "InvokeWorker", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [props.workerArn] },
      // `/gpt usage` and the quick budget refusal read usage rows; 채널에 공유 and 다시 생성 read the asker's
      // conversation row; the on-failure path reads a job's row, to leave alone a job its worker finished.
      // Reads only, of rows whose key starts so: never a write.
      {
        Sid: "ReadUsageConversationsAndJobs",
        Effect: "Allow",
        Action: ["dynamodb:BatchGetItem", "dynamodb:GetItem"],
        Resource: [props.table.arn],
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["usage#*", "conv#*", "job#*"] } },
      },
      // Lambda writes a failure record the edge could not process to the queue, with the edge's own role.
      { Sid: "SendOwnDeadLetters", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [props.deadLetters.arn] },
      props.key.roleStatement("UseTheKeyForTheSecretTheTableAndDeadLetters", [
        { service: "secretsmanager", writes: false },
        { service: "dynamodb", writes: false },
        { service: "sqs", writes: true },
      ]),
    ];
    this.function = new BotFunction(this, "edge", {
      place: props.place,
      functionName: props.functionName,
      description: "dooray-gpt edge: Dooray's /gpt requests (public URL) and the worker's failure records",
      entry: "edge",
      sizing: props.sizing,
      logRetentionDays: props.logRetentionDays,
      statements,
      environment: props.environment,
      uses: [props.table.table, props.deadLetters.queue],
      key: props.key,
      tracing: props.tracing,
      codeSigning: props.codeSigning,
      deadLetterQueueArn: props.deadLetters.arn,
    });
    const functionName = this.function.fn.functionName;
    // AuthType NONE: Dooray cannot sign requests, so the handler is the gate (app token first, then the rest).
    this.url = new LambdaFunctionUrl(this, "url", { functionName, authorizationType: "NONE", invokeMode: "BUFFERED" });
    // Since October 2025 a new function URL also needs lambda:InvokeFunction in the resource policy, or every request
    // gets 403; provider 5.100.0 adds only lambda:InvokeFunctionUrl and cannot express the InvokedViaFunctionUrl
    // condition. So any principal may invoke the edge directly: it treats every event as untrusted (a request needs
    // the app token, a failure record a job signed with it), and its reserved concurrency caps what abuse costs.
    // The worker has no such grant (docs/architecture.md, "Trust").
    new LambdaPermission(this, "public_invoke", {
      statementId: "FunctionUrlNeedsInvokeFunction",
      action: "lambda:InvokeFunction",
      functionName,
      principal: "*",
    });
    // Failure records arrive as asynchronous invocations: a retry only repeats the same replacing message.
    new LambdaFunctionEventInvokeConfig(this, "async_invoke", {
      functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: EDGE_FAILURE_RECORD_MAX_AGE_SECONDS,
    });
  }
}

import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import type { CodeSigning } from "./CodeSigning.js";
import { Construct } from "constructs";
import type { Place } from "./arns.js";
import type { BotKey } from "./BotKey.js";
import type { BotTable } from "./BotTable.js";
import { BotFunction } from "./BotFunction.js";
import type { WorkerSizing } from "./config.js";

export interface WorkerFunctionProps {
  readonly place: Place;
  readonly functionName: string;
  readonly sizing: WorkerSizing;
  readonly logRetentionDays: number;
  /** ARN patterns of both secrets: the app token (to verify jobs) and the OpenAI key. */
  readonly secretArns: readonly string[];
  /** ARN patterns of the listed model endpoints' keys. */
  readonly modelKeyArns: readonly string[];
  /** Bedrock foundation models the worker may invoke with its own role (endpoints with auth "aws"). */
  readonly bedrockModelArns: readonly string[];
  /** ARN pattern of the bot account's Dooray API token, when the channels have Dooray tools. */
  readonly doorayApiTokenArn: string | undefined;
  /** The on-failure destination: the edge, which tells the person. */
  readonly edge: BotFunction;
  /** The `openai` SDK layer. */
  readonly layerArn: string;
  /** The bot's table: budgets, job claims and conversations. */
  readonly table: BotTable;
  readonly environment: Readonly<Record<string, string>>;
  readonly key: BotKey;
  readonly tracing: boolean;
  /** On: the bundle is signed and the function runs only signed code. */
  readonly codeSigning?: CodeSigning | undefined;
}

/**
 * The private half: answers one signed job per asynchronous invocation. No URL and no resource policy, so only
 * principals of this account whose own policy allows it (the edge's role) can invoke it. Its reserved concurrency
 * is the cost ceiling; a job that cannot run goes to the edge as a failure record.
 */
export class WorkerFunction extends Construct {
  readonly function: BotFunction;

  constructor(scope: Construct, id: string, props: WorkerFunctionProps) {
    super(scope, id);
    this.function = new BotFunction(this, "worker", {
      place: props.place,
      functionName: props.functionName,
      description: "dooray-gpt worker (private): asks the model, streams the answer to Dooray",
      entry: "worker",
      sizing: props.sizing,
      logRetentionDays: props.logRetentionDays,
      statements: [
        { Sid: "ReadBothSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [...props.secretArns] },
        ...(props.modelKeyArns.length > 0
          ? [{ Sid: "ReadModelEndpointKeys", Effect: "Allow" as const, Action: ["secretsmanager:GetSecretValue"], Resource: [...props.modelKeyArns] }]
          : []),
        // Model endpoints on Amazon Bedrock, called with this role: the named models only, never a wildcard.
        ...(props.bedrockModelArns.length > 0
          ? [
              {
                Sid: "InvokeNamedBedrockModels",
                Effect: "Allow" as const,
                Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                Resource: [...props.bedrockModelArns],
              },
            ]
          : []),
        // The channels' Dooray tools; the edge never holds this token.
        ...(props.doorayApiTokenArn
          ? [{ Sid: "ReadDoorayApiToken", Effect: "Allow" as const, Action: ["secretsmanager:GetSecretValue"], Resource: [props.doorayApiTokenArn] }]
          : []),
        // Lambda sends the on-failure record with the worker's own role.
        { Sid: "SendFailuresToEdge", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [props.edge.arn] },
        // Job claims (conditional PutItem, GetItem of a claim), budgets (conditional UpdateItem) and conversations
        // (GetItem, versioned PutItem): single items only, never a scan or a query.
        {
          Sid: "BudgetsClaimsAndConversations",
          Effect: "Allow",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: [props.table.arn],
        },
        props.key.roleStatement("UseTheKeyForTheSecretsAndTheTable", [
          { service: "secretsmanager", writes: false },
          { service: "dynamodb", writes: true },
        ]),
      ],
      environment: props.environment,
      uses: [props.table.table],
      layers: [props.layerArn],
      key: props.key,
      tracing: props.tracing,
      codeSigning: props.codeSigning,
    });
    // A retry would post a second answer. A job that waited past the maximum event age (every worker busy), or a
    // run that threw or was stopped, goes to the edge, which tells the person (docs/architecture.md, "Nothing lost").
    new LambdaFunctionEventInvokeConfig(this, "async_invoke", {
      functionName: this.function.fn.functionName,
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: props.sizing.maxEventAgeSeconds,
      destinationConfig: { onFailure: { destination: props.edge.arn } },
      // Lambda checks that the destination exists when the config is written.
      dependsOn: [props.edge.fn],
    });
  }
}

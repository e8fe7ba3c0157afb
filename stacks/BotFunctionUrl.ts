import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Construct } from "constructs";

export interface BotFunctionUrlProps {
  readonly fn: LambdaFunction;
}

/**
 * The public Request URL Dooray posts to. AuthType NONE: Dooray cannot sign requests, so the handler is the gate
 * (app token, tenant, responseUrl checks before any work).
 */
export class BotFunctionUrl extends Construct {
  readonly url: LambdaFunctionUrl;

  constructor(scope: Construct, id: string, props: BotFunctionUrlProps) {
    super(scope, id);
    this.url = new LambdaFunctionUrl(this, "url", {
      functionName: props.fn.functionName,
      authorizationType: "NONE",
      invokeMode: "BUFFERED",
    });
    // Since October 2025 a new function URL also needs lambda:InvokeFunction in the resource policy, or every request
    // gets 403; provider 5.100.0 adds only lambda:InvokeFunctionUrl and cannot express the InvokedViaFunctionUrl
    // condition. This lets any principal invoke the function directly, which is why the worker runs only jobs
    // signed with a key derived from the app token, and reserved concurrency caps what abuse could cost (DESIGN §6).
    new LambdaPermission(this, "invoke_function", {
      statementId: "AllowPublicInvokeFunctionForFunctionUrl",
      action: "lambda:InvokeFunction",
      functionName: props.fn.functionName,
      principal: "*",
    });
  }
}

/** The part of Lambda's context object the entries read: how long this invocation has left. */
export interface LambdaContext {
  readonly getRemainingTimeInMillis?: () => number;
}

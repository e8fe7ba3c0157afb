import { listen, readBody, type Listening } from "./listen.js";

/**
 * Amazon SQS's JSON protocol (`x-amz-target: AmazonSQS.<Action>`) for the few actions Terraform's AWS provider uses
 * to create, read, tag and delete a queue. The deploy rehearsal points the provider's `sqs` endpoint here because
 * the emulator it uses for everything else mangles maps in this protocol (a queue's attributes come back as one
 * `{"Attribute": …}`, and those sent on CreateQueue are dropped), which no provider can read.
 */
export async function startFakeSqs(accountId: string, region: string): Promise<Listening> {
  const queues = new Map<string, { attributes: Record<string, string>; tags: Record<string, string> }>();
  const listening = await listen((request, response) => {
    void (async () => {
      const action = String(request.headers["x-amz-target"] ?? "").replace(/^AmazonSQS\./, "");
      const input = JSON.parse((await readBody(request)) || "{}") as { QueueName?: string; QueueUrl?: string; Attributes?: Record<string, string>; Tags?: Record<string, string>; tags?: Record<string, string>; TagKeys?: string[] };
      const nameOf = (url = "") => url.split("/").pop() ?? "";
      const reply = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify(body));
      // SQS's JSON protocol names the query-era code in a header, which is what SDKs (and the provider) match on.
      const missing = () => {
        response.setHeader("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender");
        reply(400, { __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "The specified queue does not exist." });
      };
      const urlOf = (name: string) => `${listening.url}/${accountId}/${name}`;
      /** An action on the request's queue: its answer (nothing: `{}`), or QueueDoesNotExist. */
      const onQueue = (act: (queue: { attributes: Record<string, string>; tags: Record<string, string> }) => object | void) => {
        const queue = queues.get(nameOf(input.QueueUrl));
        return queue ? reply(200, act(queue) ?? {}) : missing();
      };
      switch (action) {
        case "CreateQueue": {
          const name = input.QueueName!;
          const sent = input.Attributes ?? {};
          const attributes = {
            DelaySeconds: "0",
            MaximumMessageSize: "262144",
            MessageRetentionPeriod: "345600",
            ReceiveMessageWaitTimeSeconds: "0",
            VisibilityTimeout: "30",
            ...(sent.KmsMasterKeyId ? { KmsDataKeyReusePeriodSeconds: "300", SqsManagedSseEnabled: "false" } : { SqsManagedSseEnabled: "true" }),
            ...sent,
            QueueArn: `arn:aws:sqs:${region}:${accountId}:${name}`,
          };
          // CreateQueue spells its tags in lower case; TagQueue and ListQueueTags do not.
          queues.set(name, { attributes, tags: { ...(input.tags ?? {}) } });
          return reply(200, { QueueUrl: urlOf(name) });
        }
        case "GetQueueUrl":
          return queues.has(input.QueueName!) ? reply(200, { QueueUrl: urlOf(input.QueueName!) }) : missing();
        case "GetQueueAttributes":
          return onQueue((queue) => ({ Attributes: queue.attributes }));
        case "SetQueueAttributes":
          return onQueue((queue) => void Object.assign(queue.attributes, input.Attributes));
        case "ListQueueTags":
          return onQueue((queue) => ({ Tags: queue.tags }));
        case "TagQueue":
          return onQueue((queue) => void Object.assign(queue.tags, input.Tags));
        case "UntagQueue":
          return onQueue((queue) => {
            for (const key of input.TagKeys ?? []) delete queue.tags[key];
          });
        case "DeleteQueue":
          queues.delete(nameOf(input.QueueUrl));
          return reply(200, {});
        default:
          return reply(400, { __type: "com.amazonaws.sqs#UnsupportedOperation", message: `the rehearsal's SQS does not do ${action}` });
      }
    })().catch(() => response.destroy());
  });
  return listening;
}

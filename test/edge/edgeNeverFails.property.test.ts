import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../handler/config.js";
import type { FunctionUrlEvent } from "../../handler/edge/functionUrlEvent.js";
import { handleRequest } from "../../handler/edge/handleRequest.js";
import { toFunctionUrlResult } from "../../handler/edge/functionUrlEvent.js";
import { APP_TOKEN, commandPayload } from "../support/harness.js";

const config = readConfig({ DOORAY_APP_TOKEN: APP_TOKEN, DOORAY_TENANT_IDS: "1234567891234567891" });
const dispatched: unknown[] = [];
const deps = {
  config,
  appToken: async () => APP_TOKEN,
  dispatch: async (job: unknown) => void dispatched.push(job),
  log: () => undefined,
  now: () => 1_800_000_000_000,
};

const jsonValue = fc.jsonValue({ maxDepth: 3 });
/** Bodies from plain noise to nearly valid commands with one field replaced by anything. */
const body = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  jsonValue.map((value) => JSON.stringify(value)),
  fc
    .record({
      field: fc.constantFrom("tenantId", "channelId", "userId", "command", "text", "responseUrl", "appToken", "triggerId", "__proto__"),
      value: jsonValue,
    })
    .map(({ field, value }) => JSON.stringify(commandPayload({ [field]: value }))),
  fc.webUrl({ withQueryParameters: true, withFragments: true }).map((responseUrl) => JSON.stringify(commandPayload({ responseUrl }))),
);
const event = fc.record({
  method: fc.oneof(fc.constantFrom("POST", "GET", "post", "OPTIONS"), fc.string({ maxLength: 8 })),
  body: fc.option(body, { nil: undefined }),
  isBase64Encoded: fc.boolean(),
  headers: fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 5 }),
});

describe("the edge, whatever it is sent", () => {
  it("never throws and never answers 5xx; every answer is JSON with readable text", async () => {
    await fc.assert(
      fc.asyncProperty(event, async ({ method, body, isBase64Encoded, headers }) => {
        const functionUrlEvent: FunctionUrlEvent = {
          requestContext: { http: { method } },
          headers,
          body: body === undefined ? undefined : isBase64Encoded ? Buffer.from(body, "utf8").toString("base64") : body,
          isBase64Encoded,
        };
        const result = toFunctionUrlResult(await handleRequest(functionUrlEvent, deps));
        expect(result.statusCode).toBeGreaterThanOrEqual(200);
        expect(result.statusCode).toBeLessThan(500);
        const parsed = JSON.parse(result.body) as { text: unknown };
        expect(typeof parsed.text).toBe("string");
        expect((parsed.text as string).length).toBeGreaterThan(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it("dispatches only fully valid commands", async () => {
    dispatched.length = 0;
    const invalid = commandPayload({ text: "질문", responseUrl: "https://evil.example/hook" });
    await handleRequest({ requestContext: { http: { method: "POST" } }, body: JSON.stringify(invalid) }, deps);
    expect(dispatched).toHaveLength(0);
    await handleRequest({ requestContext: { http: { method: "POST" } }, body: JSON.stringify(commandPayload({ text: "질문" })) }, deps);
    expect(dispatched).toHaveLength(1);
  });
});

import { SignatureV4 } from "@smithy/signature-v4";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signV4 } from "../../handler/aws/sigv4.js";
import { Sha256 } from "../support/nodeSha256.js";

type Call = { service: string; path: string; headers: Record<string, string> };

const EXAMPLE = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

describe("signV4", () => {
  it("reproduces AWS's published get-vanilla example", () => {
    const headers = signV4(
      { method: "GET", url: new URL("https://example.amazonaws.com/"), headers: {}, body: "", service: "service", region: "us-east-1" },
      EXAMPLE,
      new Date("2015-08-30T12:36:00Z"),
    );
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
    expect(headers["x-amz-date"]).toBe("20150830T123600Z");
  });

  it("signs our two calls exactly as the AWS SDK's own signer does", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Call>(
          {
            service: "lambda",
            path: "/2015-03-31/functions/dooray-gpt-prod-bot/invocations",
            headers: { "content-type": "application/json", "x-amz-invocation-type": "Event" },
          },
          { service: "secretsmanager", path: "/", headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.GetSecretValue" } },
        ),
        fc.string({ unit: "grapheme", maxLength: 200 }),
        fc.option(
          fc.string({ minLength: 1, maxLength: 40 }).filter((token) => token.trim() === token && !/\s\s/.test(token)),
          { nil: undefined },
        ),
        fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }),
        async (call, body, sessionToken, now) => {
          const url = new URL(`https://${call.service}.ap-northeast-2.amazonaws.com${call.path}`);
          const ours = signV4(
            { method: "POST", url, headers: call.headers, body, service: call.service, region: "ap-northeast-2" },
            { ...EXAMPLE, sessionToken },
            now,
          );
          const sdk = new SignatureV4({
            service: call.service,
            region: "ap-northeast-2",
            credentials: { ...EXAMPLE, sessionToken },
            sha256: Sha256,
            applyChecksum: false,
          });
          const signed = await sdk.sign(
            { method: "POST", protocol: "https:", hostname: url.hostname, path: url.pathname, headers: { ...call.headers, host: url.host }, body },
            { signingDate: now },
          );
          expect(ours.authorization).toBe(signed.headers.authorization);
        },
      ),
      { numRuns: 200 },
    );
  });
});

import { randomUUID } from "node:crypto";
import { signV4 } from "../handler/aws/sigv4.js";
import { readConfig } from "../handler/config.js";
import { handleRequest } from "../handler/edge/handleRequest.js";
import { maskPersonalData } from "../handler/worker/personalData.js";
import { commandPayload } from "../test/support/harness.js";
import { TOKEN } from "./benchSetup.js";

/** maskPersonalData on 10 KB of Korean text with numbers of every kind and many that are not, timed warm. */
export function personalDataGuardCost(samples: number): number[] {
  const sentence =
    "이번 주 배포 체크리스트: 주문번호 20261205-0001234, 매출 1,234,567원, BOT-1234 확인. 고객 900101-1234567 카드 4111-1111-1111-1111 환불, 국민은행 123-456-789012. ";
  const text = Buffer.from(sentence.repeat(Math.ceil(10_240 / Buffer.byteLength(sentence))))
    .subarray(0, 10_240)
    .toString("utf8");
  const times: number[] = [];
  for (let index = 0; index < samples + 50; index++) {
    const started = performance.now();
    maskPersonalData(text);
    if (index >= 50) times.push(performance.now() - started);
  }
  return times;
}

/** handleCommand in this process with a dispatcher that only signs the Invoke request, as the AWS one does. */
export async function edgeLogicAlone(samples: number): Promise<number[]> {
  const config = readConfig({ DOORAY_APP_TOKEN: TOKEN });
  const invokeUrl = new URL("https://lambda.ap-northeast-2.amazonaws.com/2015-03-31/functions/dooray-gpt-bench-worker/invocations");
  const deps = {
    config,
    appToken: async () => TOKEN,
    dispatch: async (signed: unknown) => {
      signV4(
        {
          method: "POST",
          url: invokeUrl,
          headers: { "content-type": "application/json", "x-amz-invocation-type": "Event" },
          body: JSON.stringify(signed),
          service: "lambda",
          region: "ap-northeast-2",
        },
        { accessKeyId: "AKIABENCH", secretAccessKey: "bench" },
        new Date(),
      );
    },
    log: () => undefined,
    now: Date.now,
  };
  const event = () => ({
    requestContext: { requestId: randomUUID(), http: { method: "POST" } },
    body: JSON.stringify(commandPayload({ text: "이번 주 배포 체크리스트 정리해줘", appToken: TOKEN })),
    isBase64Encoded: false,
  });
  for (let i = 0; i < 1_000; i++) await handleRequest(event(), deps);
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const input = event();
    const started = performance.now();
    await handleRequest(input, deps);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

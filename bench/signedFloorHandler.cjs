// The realistic floor (floorHandler.cjs) plus what any edge must add to call Lambda: a job-sized JSON body and a
// SigV4 signature over it (the same steps as handler/aws/sigv4.ts, written out). `npm run bench:cold-path` sets our
// edge against it: the difference is our own code (configuration, checks, the job's signature, logging).
const http = require("node:http");
const { createHmac, hash } = require("node:crypto");
const hmac = (key, data) => createHmac("sha256", key).update(data, "utf8").digest();
exports.handler = async () => {
  createHmac("sha256", "key").update("job").digest("hex");
  const url = new URL(`${process.env.AWS_ENDPOINT_URL_LAMBDA}/2015-03-31/functions/${process.env.AWS_LAMBDA_FUNCTION_NAME}/invocations`);
  const body = JSON.stringify({
    type: "dooray-gpt.job",
    id: "7d1f7f4e-8c2a-4f1e-9a55-3b2f1e0c9d11",
    issuedAt: Date.now(),
    tenantId: "1234567891234567891",
    channelId: "2345678912345678912",
    userId: "3456789123456789123",
    text: "이번 주 배포 체크리스트 정리해줘",
    responseUrl: "http://127.0.0.1:1/messenger/api/commands/hook/abc",
    tenantDomain: "guide.dooray.com",
    signature: "x".repeat(64),
  });
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
  const headers = { "content-type": "application/json", "x-amz-invocation-type": "Event", host: url.host, "x-amz-date": amzDate };
  const names = Object.keys(headers).sort();
  const canonical = ["POST", url.pathname, "", names.map((n) => `${n}:${headers[n]}\n`).join(""), names.join(";"), hash("sha256", body, "hex")].join("\n");
  const scope = `${amzDate.slice(0, 8)}/ap-northeast-2/lambda/aws4_request`;
  const sts = ["AWS4-HMAC-SHA256", amzDate, scope, hash("sha256", canonical, "hex")].join("\n");
  const k = hmac(hmac(hmac(hmac("AWS4secret", amzDate.slice(0, 8)), "ap-northeast-2"), "lambda"), "aws4_request");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=AK/${scope}, SignedHeaders=${names.join(";")}, Signature=${createHmac("sha256", k).update(sts).digest("hex")}`;
  headers["content-length"] = String(Buffer.byteLength(body));
  await new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers }, (response) => {
      response.resume();
      response.on("end", resolve);
    });
    request.on("error", reject);
    request.end(body);
  });
  return { statusCode: 200, headers: { "content-type": "application/json" }, body: "{}" };
};

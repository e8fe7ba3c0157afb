import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newJob, signJob } from "../../handler/job/signedJob.js";
import { buildHandlerBundle, EDGE_LAZY_HANDLERS, handlerPackageFiles, REPO_ROOT } from "../../stacks/assets/buildHandler.js";
import { openaiLayerFiles } from "../../stacks/assets/buildOpenAILayer.js";
import { startDoorayReceiver, type DoorayReceiver } from "../support/doorayReceiver.js";
import { startFakeAws, type FakeAws } from "../support/fakeAws.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fakeOpenAI.js";
import { startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import { selfSignedCert } from "../support/selfSignedCert.js";
import { commandPayload, finalPosts } from "../support/harness.js";
import { PROCESS_BUDGET_MS } from "../support/testBudgets.js";

const TOKEN = "bundle-test-token-123456";

/**
 * The shipped artefacts, laid out as Lambda lays them out (/var/task = function zip, /opt = layer), each run in a
 * fresh Node process: what the edge loads, and that the worker finds the SDK in the layer through NODE_PATH.
 */
describe("the function bundle and the layer, as Lambda runs them", { timeout: PROCESS_BUDGET_MS }, () => {
  let root: string;
  let model: FakeOpenAI;
  let dooray: DoorayReceiver;
  let aws: FakeAws;
  let table: LocalTable;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "dooray-gpt-bundle-"));
    for (const [dir, files] of [
      ["edge", handlerPackageFiles("edge")],
      ["worker", handlerPackageFiles("worker")],
      ["opt", openaiLayerFiles()],
    ] as const) {
      for (const file of files) {
        mkdirSync(join(root, dir, file.path, ".."), { recursive: true });
        writeFileSync(join(root, dir, file.path), file.content);
      }
    }
    [model, dooray, aws, table] = await Promise.all([startFakeOpenAI({ delayMs: 300 }), startDoorayReceiver(), startFakeAws(), startLocalTable()]);
  }, PROCESS_BUDGET_MS);
  afterAll(() => Promise.all([model.close(), dooray.close(), aws.close(), table.close()]));

  const runCold = async (entry: "edge" | "worker", event: unknown, extraEnv: Record<string, string> = {}) => {
    const events = join(root, `events-${Math.random()}.json`);
    const out = join(root, `out-${Math.random()}.json`);
    writeFileSync(events, JSON.stringify([event]));
    // Asynchronous, so this process keeps serving the fakes while the child runs.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [join(REPO_ROOT, "bench", "child.cjs")], {
        env: {
          PATH: process.env.PATH,
          NODE_PATH: join(root, "opt", "nodejs", "node_modules"),
          BENCH_MODE: "cold",
          BENCH_ENTRY: join(root, entry, "index.js"),
          BENCH_EVENTS: events,
          BENCH_OUT: out,
          DOORAY_APP_TOKEN: TOKEN,
          OPENAI_API_KEY: "sk-bundle",
          OPENAI_BASE_URL: model.baseUrl,
          RESPONSE_URL_HOSTS: "127.0.0.1",
          ALLOW_INSECURE_RESPONSE_URL: "1",
          AWS_REGION: "ap-northeast-2",
          AWS_ACCESS_KEY_ID: "AKIABUNDLE",
          AWS_SECRET_ACCESS_KEY: "x",
          WORKER_FUNCTION_NAME: "dooray-gpt-test-worker",
          AWS_ENDPOINT_URL_LAMBDA: aws.url,
          AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
          BOT_TABLE: table.table,
          ...extraEnv,
        },
        stdio: "ignore",
      });
      child.once("exit", (code: number) => (code === 0 ? resolve() : reject(new Error(readFileSync(out, "utf8")))));
    });
    return JSON.parse(readFileSync(out, "utf8")) as { status?: number; loadedFiles: string[]; loadedBytes: number };
  };

  it("the edge path loads the bundle alone: no openai SDK, no AWS SDK, no other file", async () => {
    const { responseUrl } = dooray.newResponseUrl();
    const result = await runCold("edge", {
      requestContext: { http: { method: "POST" } },
      body: JSON.stringify(commandPayload({ text: "질문", responseUrl, appToken: TOKEN })),
      isBase64Encoded: false,
    });
    expect(result.status).toBe(200);
    expect(result.loadedFiles).toEqual([join(root, "edge", "index.js")]);
    // A ceiling against creep, not a target (npm run bench measures the cold start it costs): presses, dialogs,
    // usage and the failure path are files of their own since they left a command's cold path, and the messages a command
    // never sends stay out of it too (53 → 26 KiB).
    expect(result.loadedBytes).toBeLessThan(29 * 1024);
    expect(aws.requests.some((request) => request.path === "/2015-03-31/functions/dooray-gpt-test-worker/invocations")).toBe(true);
  });

  it("a press and /gpt usage each load their own file beside the bundle, the first time one comes", async () => {
    const press = await runCold("edge", {
      requestContext: { http: { method: "POST" } },
      body: JSON.stringify({ tenant: { id: "1" }, channel: { id: "2" }, user: { id: "3" }, actionValue: "not-a-reference", appToken: TOKEN }),
      isBase64Encoded: false,
    });
    expect(press.loadedFiles).toEqual([join(root, "edge", "index.js"), join(root, "edge", "handlePress.js")]);
    const usage = await runCold("edge", {
      requestContext: { http: { method: "POST" } },
      body: JSON.stringify(commandPayload({ text: "usage", responseUrl: dooray.newResponseUrl().responseUrl, appToken: TOKEN })),
      isBase64Encoded: false,
    });
    expect(usage.status).toBe(200);
    expect(usage.loadedFiles).toEqual([join(root, "edge", "index.js"), join(root, "edge", "answerUsage.js")]);
  });

  it("the edge's lazy files hold none of the container's state: the runtime, the secrets' cache and the log's redactions live in index.js alone", () => {
    for (const file of EDGE_LAZY_HANDLERS) {
      const inputs = buildHandlerBundle("edge", file).inputs;
      expect(inputs, file).toContain(`handler/edge/${file}.ts`);
      expect(
        inputs.filter((input) => ["handler/runtime.ts", "handler/secrets.ts", "handler/log.ts"].includes(input)),
        file,
      ).toEqual([]);
    }
    // A control: index.js holds them.
    expect(buildHandlerBundle("edge").inputs).toEqual(expect.arrayContaining(["handler/runtime.ts", "handler/secrets.ts", "handler/log.ts"]));
  });

  it("speaks HTTPS to AWS, as in Lambda, verifying the endpoint's certificate", async () => {
    const cert = selfSignedCert();
    const secure = await startFakeAws(cert);
    try {
      const { responseUrl } = dooray.newResponseUrl();
      const event = {
        requestContext: { http: { method: "POST" } },
        body: JSON.stringify(commandPayload({ text: "질문", responseUrl, appToken: TOKEN })),
        isBase64Encoded: false,
      };
      // Node trusts the throwaway certificate only through NODE_EXTRA_CA_CERTS: verification stays on (without it,
      // no request reaches the endpoint).
      const result = await runCold("edge", event, { AWS_ENDPOINT_URL_LAMBDA: secure.url, NODE_EXTRA_CA_CERTS: cert.caFile });
      expect(result.status).toBe(200);
      expect(secure.requests.map((request) => request.path)).toEqual(["/2015-03-31/functions/dooray-gpt-test-worker/invocations"]);
      expect(secure.requests[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    } finally {
      await secure.close();
    }
  });

  it("the worker path finds the pre-bundled openai SDK in the layer and answers", async () => {
    const { hookId, responseUrl } = dooray.newResponseUrl();
    const job = signJob(newJob({ tenantId: "1", channelId: "2", userId: "3", text: "레이어에서", responseUrl }, Date.now()), TOKEN);
    const result = await runCold("worker", job);
    expect(result.loadedFiles).toEqual([join(root, "worker", "index.js"), join(root, "opt", "nodejs", "node_modules", "openai", "index.js")]);
    expect(finalPosts(dooray.postsFor(hookId)).map((post) => post.body.text)).toEqual(["답변: 레이어에서"]);
  });

  it("one job delivered to two worker processes at once gets one model call and one answer", async () => {
    const { hookId, responseUrl } = dooray.newResponseUrl();
    const job = signJob(newJob({ tenantId: "1", channelId: "2", userId: "3", text: "두 번 배달된 질문", responseUrl }, Date.now()), TOKEN);
    const before = model.requests.length;

    await Promise.all([runCold("worker", job), runCold("worker", job)]);

    expect(model.requests.length - before).toBe(1);
    expect(dooray.postsFor(hookId).map((post) => post.body.text)).toEqual(["답변: 두 번 배달된 질문"]);
  });

  it("the edge bundle holds no worker code and no SDK; the worker bundle holds no request parsing", () => {
    const edge = buildHandlerBundle("edge").inputs;
    const worker = buildHandlerBundle("worker").inputs;
    expect(edge).toContain("handler/edge/index.ts");
    expect(edge.filter((file) => file.startsWith("handler/worker/") || file.includes("node_modules"))).toEqual([]);
    expect(worker).toContain("handler/worker/runJob.ts");
    expect(worker.filter((file) => /handler\/edge\/(parseCommand|handleCommand|verifyAppToken)/.test(file))).toEqual([]);
    // A control: the check above would see worker code if the edge imported it.
    expect(worker.some((file) => file.startsWith("handler/worker/"))).toBe(true);
  });

  it("the layer holds only the SDK, its license and a package.json naming its version", () => {
    const files = openaiLayerFiles().map((file) => file.path);
    expect(files.sort()).toEqual(["nodejs/node_modules/openai/LICENSE", "nodejs/node_modules/openai/index.js", "nodejs/node_modules/openai/package.json"]);
    const pkg = JSON.parse(readFileSync(join(root, "opt", "nodejs", "node_modules", "openai", "package.json"), "utf8")) as { version: string };
    expect(pkg.version).toBe((JSON.parse(readFileSync(join(REPO_ROOT, "node_modules", "openai", "package.json"), "utf8")) as { version: string }).version);
  });
});

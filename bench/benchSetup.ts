import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newJob, signJob } from "../handler/job/signedJob.js";
import { startLocalTable } from "../handler/dev/localTable.js";
import { handlerPackageFiles, REPO_ROOT } from "../stacks/assets/buildHandler.js";
import { openaiLayerFiles } from "../stacks/assets/buildOpenAILayer.js";
import { startDoorayReceiver } from "../test/support/doorayReceiver.js";
import { startFakeAws } from "../test/support/fakeAws.js";
import { startFakeOpenAI } from "../test/support/fakeOpenAI.js";
import { commandPayload } from "../test/support/harness.js";

/** The acknowledgement and load rows' model answers after this long (the "model time" a baseline holds a request for). */
export const MODEL_DELAY_MS = 2000;
/** The first-words rows' model streams its words this far apart (the first too), so progress shows before the end. */
const WORDS_GAP_MS = 50;
export const WORDS_QUESTION = `이번 주 배포 체크리스트 정리해줘 [[gap:${WORDS_GAP_MS}]]`;
/** The saturation row: the worker's reserved concurrency and maximum event age, played by the dev server. */
export const SATURATION = { workers: 10, maxEventAgeSeconds: 5 };
export const TOKEN = "bench-app-token-0f1e2d3c4b5a";

/** How many of each measurement a run makes (`--quick`: fewer, ≈45 s). */
export function countsFor(quick: boolean) {
  return {
    coldRounds: quick ? 6 : 25,
    warmAcks: quick ? 300 : 1000,
    baselineAcks: quick ? 200 : 1000,
    workerJobs: quick ? 60 : 300,
    load: quick ? 150 : 500,
    loadConcurrency: 50,
    sequential: quick ? 50 : 200,
    warmWords: quick ? 20 : 60,
  };
}

export type Bench = Awaited<ReturnType<typeof startBench>>;

/**
 * What every measurement runs against: what ships (the two function bundles and the pre-bundled layer, written to a
 * folder of their own, beside the raw package for comparison), the loopback peers (the fake models, Dooray, Lambda's
 * API and the bot's table), and the environment both functions get, as deployed in prod.
 */
export async function startBench(quick: boolean) {
  const work = mkdtempSync(join(tmpdir(), "dooray-gpt-bench-"));
  const files = { edge: handlerPackageFiles("edge"), worker: handlerPackageFiles("worker"), layer: openaiLayerFiles() };
  for (const [dir, list] of Object.entries(files)) {
    for (const file of list) {
      mkdirSync(join(work, dir, file.path, ".."), { recursive: true });
      writeFileSync(join(work, dir, file.path), file.content);
    }
  }
  const quickModel = await startFakeOpenAI();
  const slowModel = await startFakeOpenAI({ delayMs: MODEL_DELAY_MS });
  // The first-words rows' model and the worker floor's, apart, so each request's time to first token is known by index.
  const wordsModel = await startFakeOpenAI();
  const floorModel = await startFakeOpenAI();
  const dooray = await startDoorayReceiver();
  const aws = await startFakeAws();
  // The bot's table, as a DynamoDB API on loopback: the worker claims jobs and reserves and settles budgets on every
  // answer (the edge reads none for a command).
  const botTable = await startLocalTable();
  const paths = {
    ours: join(work, "edge", "index.js"),
    worker: join(work, "worker", "index.js"),
    baseline: join(REPO_ROOT, "bench", "baseline", "naiveHandler.cjs"),
    empty: join(REPO_ROOT, "bench", "emptyHandler.cjs"),
    floor: join(REPO_ROOT, "bench", "floorHandler.cjs"),
    layerBundled: join(work, "layer", "nodejs", "node_modules"),
    layerRaw: join(REPO_ROOT, "node_modules"),
  };
  const commonEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    BENCH_QUIET: "1",
    DOORAY_APP_TOKEN: TOKEN,
    OPENAI_API_KEY: "sk-bench",
    RESPONSE_URL_HOSTS: "127.0.0.1",
    ALLOW_INSECURE_RESPONSE_URL: "1",
    MODEL_MAX_RETRIES: "0",
    AWS_REGION: "ap-northeast-2",
    AWS_ACCESS_KEY_ID: "AKIABENCH",
    AWS_SECRET_ACCESS_KEY: "bench",
    WORKER_FUNCTION_NAME: "dooray-gpt-bench-worker",
    AWS_LAMBDA_FUNCTION_NAME: "dooray-gpt-bench-worker",
    AWS_ENDPOINT_URL_LAMBDA: aws.url,
    AWS_ENDPOINT_URL_DYNAMODB: botTable.endpoint,
    BOT_TABLE: botTable.table,
    // As deployed in prod (cdktf.json): budgets on (the worker's reservation; the edge reads none for a command).
    BUDGET_USER_DAILY_TOKENS: "200000",
    BUDGET_CHANNEL_DAILY_TOKENS: "2000000",
    // The stack resolves Asia/Seoul (no daylight saving) to its offset, so no time-zone formatter loads.
    BUDGET_UTC_OFFSET_MINUTES: "540",
  };
  return {
    quick,
    n: countsFor(quick),
    work,
    files,
    paths,
    quickModel,
    slowModel,
    wordsModel,
    floorModel,
    dooray,
    aws,
    botTable,
    commonEnv,
    /** The worker as in prod for the first-words rows, but posting the first words as they come (no first interval). */
    wordsWorkerEnv: { OPENAI_BASE_URL: wordsModel.baseUrl, NODE_PATH: paths.layerBundled, PROGRESS_INTERVAL_MS: "0" },
    /** A command as a Function URL delivers it: every request has its own requestId. */
    edgeEvent() {
      const { responseUrl } = dooray.newResponseUrl();
      return {
        requestContext: { requestId: randomUUID(), http: { method: "POST" } },
        rawPath: "/",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(commandPayload({ text: "이번 주 배포 체크리스트 정리해줘", responseUrl, appToken: TOKEN })),
        isBase64Encoded: false,
      };
    },
    /** A signed job, a person per job: hundreds of jobs from one person would run into the person's daily budget. */
    job() {
      const { responseUrl } = dooray.newResponseUrl();
      return signJob(newJob({ tenantId: "1", channelId: "2", userId: randomUUID(), text: "이번 주 배포 체크리스트 정리해줘", responseUrl }, Date.now()), TOKEN);
    },
    close: () => Promise.all([quickModel.close(), slowModel.close(), wordsModel.close(), floorModel.close(), dooray.close(), aws.close(), botTable.close()]),
  };
}

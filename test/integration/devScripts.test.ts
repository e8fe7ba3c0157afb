import { execFile, spawn, type ChildProcessByStdio, type ChildProcessWithoutNullStreams } from "node:child_process";
import type { Readable } from "node:stream";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fakeOpenAI.js";
import { PROCESS_BUDGET_MS } from "../support/testBudgets.js";

const run = promisify(execFile);
const tsx = "node_modules/.bin/tsx";
/** This process's environment with no model named at all, as on a fresh machine. */
const withoutModel = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "MODEL_ENDPOINTS"]) delete env[name];
  return env;
};

describe("npm run dev and npm run try", { timeout: PROCESS_BUDGET_MS }, () => {
  let model: FakeOpenAI;
  beforeAll(async () => {
    model = await startFakeOpenAI();
    // In-process try keeps its table on disk; these runs keep theirs out of the repository's .local/.
    process.env.LOCAL_TABLE_PATH = mkdtempSync(join(tmpdir(), "dooray-gpt-try-"));
  }, PROCESS_BUDGET_MS);
  afterAll(() => model.close());

  it("dev prints its URL when ready, and try plays Dooray against it until the answer is final", async () => {
    const env = {
      ...process.env,
      PORT: "0",
      DOORAY_APP_TOKEN: "local-token-123456",
      OPENAI_API_KEY: "sk-local",
      OPENAI_BASE_URL: model.baseUrl,
      RESPONSE_URL_HOSTS: "127.0.0.1",
      ALLOW_INSECURE_RESPONSE_URL: "1",
    };
    const dev = spawn(tsx, ["handler/dev/dev.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const url = await readyUrl(dev);
      const { stdout } = await run(tsx, ["handler/dev/try.ts", "--url", url, "배포", "체크리스트"], { env });
      expect(stdout).toContain("⏳ 답변을 준비하고 있어요…");
      expect(stdout).toMatch(/── answer ──\n답변: 배포 체크리스트\n/);
    } finally {
      dev.kill("SIGTERM");
    }
  });

  it("try keeps the day's use between runs: a question, then `try -- usage` shows it", async () => {
    const env = {
      ...process.env,
      LOCAL_TABLE_PATH: mkdtempSync(join(tmpdir(), "dooray-gpt-usage-")),
      OPENAI_API_KEY: "sk-local",
      OPENAI_BASE_URL: model.baseUrl,
      BUDGET_USER_DAILY_TOKENS: "9000",
    };
    await run(tsx, ["handler/dev/try.ts", "첫", "질문"], { env });
    await run(tsx, ["handler/dev/try.ts", "둘째", "질문"], { env });

    const { stdout } = await run(tsx, ["handler/dev/try.ts", "usage"], { env });

    const used = /- 나: (\d+) \/ 9,000 토큰 \(\d+%\) · 답변 2개/.exec(stdout);
    expect(used, stdout).not.toBeNull();
    expect(Number(used![1])).toBeGreaterThan(0);
    expect(stdout).toMatch(/- 이 채널: \d+ 토큰 \(한도 없음\) · 답변 2개/);
  });

  it("try presses the answer's buttons: share to the channel, then a follow-up through the dialog", async () => {
    const env = { ...process.env, OPENAI_API_KEY: "sk-local", OPENAI_BASE_URL: model.baseUrl };
    const { stdout } = await run(tsx, ["handler/dev/try.ts", "--press", "share", "--follow-up", "두 번째 질문", "첫 질문"], { env });

    expect(stdout).toContain("── answer ──\n답변: 첫 질문\n[채널에 공유] [다시 생성] [이어서 질문]");
    expect(stdout).toContain("── HTTP 200 (to the channel) ──\n💬 나 님의 질문\n> 첫 질문\n\n답변: 첫 질문");
    expect(stdout).toContain("── dialog opened: 이어서 질문 ──");
    expect(stdout).toContain("── new message ──\n↪️ 두 번째 질문\n\n답변: 두 번째 질문");
    const followUp = model.requests
      .at(-1)!
      .body.messages.slice(1)
      .map((message) => message.content);
    expect(followUp).toEqual(["첫 질문", "답변: 첫 질문", "두 번째 질문"]);
  });

  it("try refuses a button it does not know", async () => {
    await expect(run(tsx, ["handler/dev/try.ts", "--press", "like", "질문"], { env: process.env })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--press takes share, regenerate, followUp"),
    });
  });

  it("try with no key and no endpoint answers from the built-in demo model, says so, and its buttons work (share, with the outcome's class)", async () => {
    const { stdout } = await run(tsx, ["handler/dev/try.ts", "--press", "share", "데모로 시험"], {
      env: { ...withoutModel(), LOCAL_TABLE_PATH: mkdtempSync(join(tmpdir(), "try-demo-")) },
    });
    expect(stdout).toContain("the built-in demo model answers");
    expect(stdout).toContain("🧪 데모 모델의 답변이에요");
    expect(stdout).toContain("받은 질문: 데모로 시험");
    expect(stdout).toContain("(outcome: answered)");
    expect(stdout).toMatch(/채널에 공유/);
  });

  it("try shows the outcome's class beside the person's message: an endpoint nothing listens on", async () => {
    const { stdout } = await run(tsx, ["handler/dev/try.ts", "질문"], {
      env: { ...process.env, OPENAI_API_KEY: "", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
    });
    expect(stdout).toContain("(outcome: unreachable)");
  });

  it("dev says which variable to set when the port is taken, without a stack trace", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const failure = await run(tsx, ["handler/dev/dev.ts"], { env: { ...process.env, PORT: String(port) } }).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure).toMatchObject({ code: 2 });
      const stderr = (failure as { stderr: string }).stderr;
      expect(stderr).toContain(`configuration error: PORT: ${port} is already in use on 127.0.0.1; set PORT to a free port`);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  });

  it.each(["SIGTERM", "SIGINT"] as const)("npm run dev stops on %s to npm: no process of it is left and its port is free", async (signal) => {
    // Its own process group, so the test can see whether anything of it outlives the signal.
    const npm = spawn("npm", ["run", "dev"], { env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const url = await readyUrl(npm);
    const exited = new Promise((resolve) => npm.once("exit", resolve));

    npm.kill(signal);
    await exited;

    // The group is gone once its last process is (polled: a group's end is no event we can wait on).
    const groupAlive = () => {
      try {
        process.kill(-npm.pid!, 0);
        return true;
      } catch {
        return false;
      }
    };
    while (groupAlive()) await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(url)).rejects.toThrow();
  });

  it("dev refuses PORT=abc with the same prefix as every other setting", async () => {
    const failure = await run(tsx, ["handler/dev/dev.ts"], { env: { ...process.env, PORT: "abc" } }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('configuration error: PORT: expected a whole number from 0 to 65535, got "abc"');
  });

  it("dev says at startup when an empty list means the default", async () => {
    const dev = spawn(tsx, ["handler/dev/dev.ts"], {
      env: { ...process.env, PORT: "0", RESPONSE_URL_HOSTS: "", DOORAY_TENANT_IDS: "," },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const stderr = await new Promise<string>((resolve, reject) => {
        let err = "";
        dev.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
        dev.stdout.on("data", (chunk: Buffer) => {
          if (chunk.toString().includes("ready:")) setTimeout(() => resolve(err), 50);
        });
        dev.once("exit", (code) => reject(new Error(`dev exited with ${code}: ${err}`)));
      });
      expect(stderr).toContain("note: RESPONSE_URL_HOSTS is set but empty: answers may go to the default, *.dooray.com");
      expect(stderr).toContain("note: DOORAY_TENANT_IDS is set but lists no tenant: every tenant may use the bot");
    } finally {
      dev.kill("SIGTERM");
    }
  });

  it("dev stops at startup with a message naming an invalid setting", async () => {
    const failure = await run(tsx, ["handler/dev/dev.ts"], { env: { ...process.env, PORT: "0", MODEL_TIMEOUT_MS: "soon" } }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('MODEL_TIMEOUT_MS: expected a whole number from 1000 to 900000, got "soon"');
  });
});

/** The URL a dev server prints once it listens ("… ready: http://127.0.0.1:<port>"); fails if it exits first. */
function readyUrl(child: ChildProcessWithoutNullStreams | ChildProcessByStdio<null, Readable, Readable>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`dev exited with ${code}: ${out}`)));
  });
}

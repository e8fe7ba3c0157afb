import { spawn, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";
import { startFakeAws, type FakeAws } from "../support/fakeAws.js";
import { runTool } from "../support/runTool.js";
import { PROCESS_BUDGET_MS } from "../support/testBudgets.js";

const VALUE = "sk-canary-put-secret-7e3d9b1a";

/** `npm run secret -- put …` against Secrets Manager on loopback. */
describe("npm run secret -- put", { timeout: PROCESS_BUDGET_MS }, () => {
  let aws: FakeAws;
  beforeAll(async () => {
    aws = await startFakeAws();
  }, PROCESS_BUDGET_MS);
  afterAll(() => aws.close());

  const put = (args: string[], stdin: string, env: Record<string, string> = {}) =>
    runTool(
      "secret",
      args,
      {
        AWS_ACCESS_KEY_ID: "AKIAOPERATOR",
        AWS_SECRET_ACCESS_KEY: "operator-secret",
        AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
        AWS_ENDPOINT_URL_STS: aws.url,
        ...env,
      },
      stdin,
    );

  it("writes the value from stdin to that one secret, signed, in the environment's region, and never prints it", async () => {
    const result = await put(["put", "dev", "openai-api-key"], `${VALUE}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("stored a new value of dooray-gpt/dev/openai-api-key in ap-northeast-2");
    const writes = aws.requests.filter((request) => request.headers["x-amz-target"] === "secretsmanager.PutSecretValue");
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0]!.body)).toEqual({ SecretId: "dooray-gpt/dev/openai-api-key", SecretString: VALUE });
    expect(writes[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAOPERATOR\/\d{8}\/ap-northeast-2\/secretsmanager\/aws4_request, /);
    expect(aws.secrets.get("dooray-gpt/dev/openai-api-key")).toBe(VALUE);
    expect(result.stdout + result.stderr).not.toContain(VALUE);
  });

  it.skipIf(!hasScript())("from a terminal, prompts and never echoes what is typed", async () => {
    const typed = "sk-typed-in-a-terminal-4f2a";
    // script(1) gives the command a real pseudo-terminal, as an operator's shell would.
    const child = spawn("script", ["-qec", "node_modules/.bin/tsx stacks/ops/secret.ts put dev openai-api-key", "/dev/null"], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        DOORAY_GPT_SETTINGS: process.env.DOORAY_GPT_SETTINGS,
        AWS_ACCESS_KEY_ID: "AKIAOPERATOR",
        AWS_SECRET_ACCESS_KEY: "operator-secret",
        AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
        AWS_ENDPOINT_URL_STS: aws.url,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let screen = "";
    let typedIn = false;
    child.stdout.on("data", (chunk: Buffer) => {
      screen += chunk.toString();
      if (!typedIn && screen.includes("(not shown): ")) {
        typedIn = true;
        child.stdin.write(`${typed}\r`);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    expect(screen).toContain("new value of dooray-gpt/dev/openai-api-key (not shown): ");
    expect(screen).toContain("stored a new value of dooray-gpt/dev/openai-api-key");
    expect(screen).not.toContain(typed);
    expect(aws.secrets.get("dooray-gpt/dev/openai-api-key")).toBe(typed);
  });

  it("writes nothing with credentials of another account than the environment's, and says which", async () => {
    aws.callerAccount = "999999999999";
    try {
      const before = aws.requests.filter((request) => request.headers["x-amz-target"] === "secretsmanager.PutSecretValue").length;
      const result = await put(["put", "dev", "openai-api-key"], `${VALUE}\n`);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("these credentials are for account 999999999999, but environment dev deploys to 111111111111; nothing was written");
      expect(aws.requests.filter((request) => request.headers["x-amz-target"] === "secretsmanager.PutSecretValue")).toHaveLength(before);
    } finally {
      aws.callerAccount = "111111111111";
    }
  });

  it("says it could not reach AWS when the network fails, not that Secrets Manager refused", async () => {
    const result = await put(["put", "dev", "openai-api-key"], `${VALUE}\n`, {
      AWS_ENDPOINT_URL_STS: "http://127.0.0.1:1",
      AWS_ENDPOINT_URL_SECRETS_MANAGER: "http://127.0.0.1:1",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("could not reach AWS (sts at http://127.0.0.1:1: ECONNREFUSED)");
    expect(result.stderr).not.toContain("refused");
    expect(result.stdout + result.stderr).not.toContain(VALUE);
  });

  it("reports AWS's refusal by its code, without the value", async () => {
    aws.failPutSecret = { status: 400, type: "AccessDeniedException" };
    aws.callerAccount = "222222222222";
    try {
      const result = await put(["put", "prod", "dooray-app-token"], VALUE);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Secrets Manager refused: AccessDeniedException");
      expect(result.stdout + result.stderr).not.toContain(VALUE);
    } finally {
      aws.failPutSecret = undefined;
      aws.callerAccount = "111111111111";
    }
  });

  it.each([
    [["put", "dev", "password"], VALUE, {}, 'unknown secret "password"'],
    [["put", "staging", "openai-api-key"], VALUE, {}, 'no environment "staging" in the settings'],
    [["put", "dev", "dooray-api-token"], VALUE, {}, "environment dev has no doorayApi setting, so it has no dooray-api-token secret"],
    [["put", "dev", "openai-api-key"], "  \n", {}, "the value is empty; nothing was written"],
    [["put", "dev", "openai-api-key"], VALUE, { AWS_ACCESS_KEY_ID: "" }, "AWS credentials are not in the environment (account 111111111111 expected)"],
    [["get", "dev", "openai-api-key"], VALUE, {}, "usage: npm run secret -- put <environment>"],
  ])("refuses %j with a clear message, writing nothing", async (args, stdin, env, message) => {
    const writes = () => aws.requests.filter((request) => request.headers["x-amz-target"] === "secretsmanager.PutSecretValue").length;
    const before = writes();
    const result = await put(args, stdin, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(writes()).toBe(before);
  });
});

function hasScript(): boolean {
  return spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
}

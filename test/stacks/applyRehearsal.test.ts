import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthApp } from "../../stacks/main.js";
import { offlineWorkspace, pluginDir } from "../../stacks/ops/offlineTerraform.js";
import { TERRAFORM_BUDGET_MS } from "../support/testBudgets.js";
import { terraformReadiness } from "../support/terraformReady.js";

/**
 * A real `terraform apply` of the sample dev stack against moto, an emulator of the AWS APIs (docs/operations.md,
 * "Rehearsing a deploy"): the provider accepts what we plan, reads it back unchanged, and destroys it cleanly. moto
 * stores Lambda functions without running them and keeps policies without enforcing them, so this proves the shape
 * of the deployment, not the permissions (stack tests assert those). Every service is moto's, SQS included (it speaks
 * the JSON protocol the provider uses), and MOTO_KEEP_DEAD_LETTER_CONFIG=1 makes its Lambda keep a function's
 * dead-letter queue as AWS does, so the next plan is empty. Runs where MOTO_SERVER (the moto-server command) and
 * the Terraform mirror are present; REQUIRE_MOTO=1 makes a missing one a failure.
 */
const motoServer = process.env.MOTO_SERVER;
const available = Boolean(motoServer) && terraformReadiness().ready;
if (!available && process.env.REQUIRE_MOTO === "1")
  throw new Error(`REQUIRE_MOTO=1 but ${motoServer ? (terraformReadiness() as { reason: string }).reason : "MOTO_SERVER is not set"}`);

const DEV_ACCOUNT = "111111111111";
const SERVICES = ["cloudwatch", "dynamodb", "iam", "kms", "lambda", "logs", "secretsmanager", "sns", "sqs", "sts"];

type State = { values: { root_module: { resources: { type: string; name: string; values: Record<string, any> }[] } } };

describe.skipIf(!available)("a deploy rehearsed against an AWS API emulator", { timeout: TERRAFORM_BUDGET_MS }, () => {
  let moto: ChildProcess;
  let dir: string;
  let state: State["values"]["root_module"]["resources"];
  // Asynchronous: the event loop stays free while terraform runs.
  const terraform = (args: string[]) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      const cliConfig = join(dir, "empty.tfrc");
      writeFileSync(cliConfig, "");
      execFile(
        "terraform",
        args,
        { cwd: dir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } },
        (error, stdout, stderr) => resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const succeeds = async (args: string[]) => {
    const run = await terraform(args);
    expect(run.status, `terraform ${args[0]}: ${run.stderr}${run.stdout.slice(-3000)}`).toBe(0);
    return run.stdout;
  };

  beforeAll(async () => {
    const port = await freePort();
    moto = spawn(motoServer!, [String(port)], {
      env: { ...process.env, MOTO_ACCOUNT_ID: DEV_ACCOUNT, MOTO_KEEP_DEAD_LETTER_CONFIG: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    await waitForListening(moto, port);
    const outdir = mkdtempSync(join(tmpdir(), "dooray-gpt-rehearsal-"));
    synthApp(outdir);
    dir = offlineWorkspace(join(outdir, "stacks", "dooray-gpt-dev"), join(outdir, "rehearsal"));
    // Real credentials checks against the emulator: the provider asks STS for the account and holds it to allowed_account_ids.
    writeFileSync(
      join(dir, "zz_offline_override.tf.json"),
      JSON.stringify({
        provider: {
          aws: [
            {
              region: "ap-northeast-2",
              access_key: "test",
              secret_key: "test",
              skip_credentials_validation: true,
              skip_metadata_api_check: true,
              endpoints: [Object.fromEntries(SERVICES.map((service) => [service, `http://127.0.0.1:${port}`]))],
            },
          ],
        },
      }),
    );
    await succeeds(["init", "-input=false", "-no-color", ...(pluginDir() ? [`-plugin-dir=${pluginDir()}`] : [])]);
    await succeeds(["apply", "-input=false", "-auto-approve", "-no-color", "-lock=false"]);
    state = (JSON.parse(await succeeds(["show", "-json"])) as State).values.root_module.resources;
  }, TERRAFORM_BUDGET_MS);

  afterAll(async () => {
    moto?.kill("SIGTERM");
  });

  const one = (type: string) => {
    const found = state.filter((resource) => resource.type === type);
    expect(found, type).toHaveLength(1);
    return found[0]!.values;
  };

  it("reads back the key with rotation on, the table and secrets encrypted with it, tracing, the dead letters, and each function's settings", () => {
    const key = one("aws_kms_key");
    expect(key).toMatchObject({ enable_key_rotation: true, key_usage: "ENCRYPT_DECRYPT" });
    expect(one("aws_kms_alias")).toMatchObject({ name: "alias/dooray-gpt-dev", target_key_arn: key.arn });
    expect(one("aws_dynamodb_table").server_side_encryption).toEqual([{ enabled: true, kms_key_arn: key.arn }]);
    expect(one("aws_sqs_queue")).toMatchObject({
      name: "dooray-gpt-dev-edge-dead-letters",
      kms_master_key_id: "alias/dooray-gpt-dev",
      message_retention_seconds: 86_400,
    });
    const functions = state.filter((resource) => resource.type === "aws_lambda_function").map((resource) => resource.values);
    expect(functions.map((fn) => fn.function_name).sort()).toEqual(["dooray-gpt-dev-edge", "dooray-gpt-dev-worker"]);
    for (const fn of functions) {
      expect(fn).toMatchObject({
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        tracing_config: [{ mode: "PassThrough" }],
        logging_config: [expect.objectContaining({ log_format: "JSON" })],
      });
    }
    for (const group of state.filter((resource) => resource.type === "aws_cloudwatch_log_group")) expect(group.values.kms_key_id).toBe(key.arn);
  });

  it("plans no change on the next deploy, with no input: the emulator keeps every setting, the dead-letter queue included", async () => {
    const plan = await succeeds(["plan", "-input=false", "-lock=false", "-no-color", "-detailed-exitcode"]);
    expect(plan).toContain("No changes. Your infrastructure matches the configuration.");
    expect(one("aws_sqs_queue").arn).toBe(`arn:aws:sqs:ap-northeast-2:${DEV_ACCOUNT}:dooray-gpt-dev-edge-dead-letters`);
    const edge = state.find((resource) => resource.type === "aws_lambda_function" && resource.values.function_name === "dooray-gpt-dev-edge")!.values;
    expect(edge.dead_letter_config).toEqual([{ target_arn: `arn:aws:sqs:ap-northeast-2:${DEV_ACCOUNT}:dooray-gpt-dev-edge-dead-letters` }]);
  });

  it("destroys cleanly", async () => {
    expect(await succeeds(["destroy", "-input=false", "-auto-approve", "-no-color", "-lock=false"])).toContain(
      `Destroy complete! Resources: ${state.length} destroyed.`,
    );
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** moto says so on stderr once it listens ("Running on http://127.0.0.1:<port>"). */
async function waitForListening(child: ChildProcess, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let said = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes(`127.0.0.1:${port}`)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`moto-server exited with ${code}: ${said}`)));
  });
}

import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";

/** One of the operator's commands (stacks/ops/<tool>.ts) in a fresh process, with only the environment given. */
export function runTool(
  tool: string,
  args: readonly string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(REPO_ROOT, "node_modules", ".bin", "tsx"), [`stacks/ops/${tool}.ts`, ...args], {
      cwd: REPO_ROOT,
      // The suite's settings (vitest.config.ts: the sample), unless a test names its own.
      env: { PATH: process.env.PATH, ...(process.env.DOORAY_GPT_SETTINGS ? { DOORAY_GPT_SETTINGS: process.env.DOORAY_GPT_SETTINGS } : {}), ...env },
      stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

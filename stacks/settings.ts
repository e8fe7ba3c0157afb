import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { StackConfigError } from "./stackConfigError.js";

/**
 * Where a company's environments come from, first found wins (docs/operations.md, "Your own settings"):
 * 1. DOORAY_GPT_SETTINGS: a JSON file anywhere, `{ "<env>": { …settings… }, … }`;
 * 2. environments/<env>.json in the repository: one environment per file, named by the file;
 * 3. the sample in cdktf.json's context.environments, which the repository ships and updates.
 * A company never edits the sample: its own files are ones upstream never touches, so taking updates and checking
 * out an older commit never meet a local change to cdktf.json.
 */
export interface Settings {
  /** Where they were read, as a reviewer would name it (never an absolute path inside the repository). */
  readonly source: string;
  readonly environments: unknown;
}

export const SETTINGS_VARIABLE = "DOORAY_GPT_SETTINGS";
export const SETTINGS_FOLDER = "environments";
const ENVIRONMENT_FILE = /^([a-z][a-z0-9-]{0,19})\.json$/;

export function loadSettings(repoRoot = join(import.meta.dirname, ".."), env: NodeJS.ProcessEnv = process.env): Settings {
  const file = env[SETTINGS_VARIABLE];
  if (file) return { source: `${SETTINGS_VARIABLE}=${file}`, environments: readJson(file, `${SETTINGS_VARIABLE} (${file})`) };
  const own = companyFiles(join(repoRoot, SETTINGS_FOLDER));
  if (own) return { source: `${SETTINGS_FOLDER}/`, environments: own };
  return { source: "cdktf.json (the sample)", environments: sampleEnvironments(repoRoot) };
}

/** The environments object of cdktf.json's context (the sample), unparsed. */
export function sampleEnvironments(repoRoot: string): unknown {
  return (readJson(join(repoRoot, "cdktf.json"), "cdktf.json") as { context?: { environments?: unknown } }).context?.environments;
}

function companyFiles(folder: string): Record<string, unknown> | undefined {
  if (!existsSync(folder)) return undefined;
  const files = readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .sort();
  if (files.length === 0) return undefined;
  const environments: Record<string, unknown> = {};
  for (const name of files) {
    const match = ENVIRONMENT_FILE.exec(name);
    if (!match)
      throw new StackConfigError(
        `${SETTINGS_FOLDER}/${name}: the file name is the environment's name: lower-case letters, digits and dashes, up to 20, then .json (for example prod.json)`,
      );
    environments[match[1]!] = readJson(join(folder, name), `${SETTINGS_FOLDER}/${name}`);
  }
  return environments;
}

function readJson(path: string, name: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new StackConfigError(`${name}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StackConfigError(`${name}: not valid JSON (${(error as Error).message})`);
  }
}

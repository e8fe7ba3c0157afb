import { AssetType, TerraformAsset } from "cdktf";
import type { Construct } from "constructs";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./buildHandler.js";
import { deterministicZip, type ZipEntry } from "./deterministicZip.js";

/**
 * Writes the files as a deterministic zip under dist/assets and registers it as a Terraform asset. Its place in the
 * stack's output is fixed (assets/<id>/current/<id>.zip) rather than named after a content hash, so a changed build
 * changes exactly one thing in the plan: the resource's source_code_hash (filebase64sha256 of the zip).
 */
export function zipAsset(scope: Construct, id: string, files: readonly ZipEntry[]): TerraformAsset {
  const zip = deterministicZip(files);
  // One folder per content: parallel syntheses (tests) never read a zip another is still writing.
  const dir = join(REPO_ROOT, "dist", "assets", createHash("sha256").update(zip).digest("hex").slice(0, 16));
  const path = join(dir, `${id}.zip`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, zip);
    renameSync(partial, path);
  }
  return new TerraformAsset(scope, id, { path, type: AssetType.FILE, assetHash: "current" });
}

import { AssetType, TerraformAsset } from "cdktf";
import type { Construct } from "constructs";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./buildHandler.js";
import { deterministicZip, type ZipEntry } from "./deterministicZip.js";

/**
 * Writes the files as a deterministic zip under dist/assets and registers it as a Terraform asset. cdktf copies
 * the file into the stack's output under a content hash, so an unchanged build never changes the plan.
 */
export function zipAsset(scope: Construct, id: string, files: readonly ZipEntry[]): TerraformAsset {
  const dir = join(REPO_ROOT, "dist", "assets");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${id}.zip`);
  writeFileSync(path, deterministicZip(files));
  return new TerraformAsset(scope, id, { path, type: AssetType.FILE });
}

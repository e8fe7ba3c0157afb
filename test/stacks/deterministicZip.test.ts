import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deterministicZip } from "../../stacks/assets/deterministicZip.js";

const entries = [
  { path: "nodejs/node_modules/openai/index.js", content: Buffer.from("module.exports = 1;\n".repeat(200)) },
  { path: "index.js", content: Buffer.from("exports.handler = async () => '안녕';\n") },
  { path: "empty.txt", content: Buffer.alloc(0) },
];

describe("deterministicZip", () => {
  it("writes an archive that unzip reads back byte for byte, with a fixed time and 0644", () => {
    const file = join(mkdtempSync(join(tmpdir(), "zip-")), "test.zip");
    writeFileSync(file, deterministicZip(entries));
    expect(execFileSync("unzip", ["-t", file], { encoding: "utf8" })).toContain("No errors detected");
    for (const entry of entries) expect(execFileSync("unzip", ["-p", file, entry.path]).equals(entry.content)).toBe(true);
    const listing = execFileSync("zipinfo", [file], { encoding: "utf8" });
    expect(listing.match(/-rw-r--r--.*80-Jan-01 00:00/g)).toHaveLength(3);
  });

  it("depends on paths and contents only, not on the order they come in", () => {
    expect(deterministicZip(entries).equals(deterministicZip([...entries].reverse()))).toBe(true);
    const changed = entries.map((entry, index) => (index === 1 ? { ...entry, content: Buffer.from("changed") } : entry));
    expect(deterministicZip(changed).equals(deterministicZip(entries))).toBe(false);
  });
});

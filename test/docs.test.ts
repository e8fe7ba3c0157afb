import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../stacks/assets/buildHandler.js";

const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" })
  .split("\n")
  .filter((path) => path !== "" && path !== "package-lock.json" && existsSync(join(REPO_ROOT, path)));
const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");

/** The repository explains itself: a clone holds every document its code and README point at. */
describe("the project's own docs", () => {
  it("no file points outside the repository for its design", () => {
    const outside = tracked.filter((path) => path !== "test/docs.test.ts" && /DESIGN(\.md| §)|\.\.\/shared\//.test(read(path)));
    expect(outside).toEqual([]);
  });

  it('every citation docs/<file>.md, "<Heading>" in the code names a file and a heading that exist', () => {
    const citations = tracked
      .filter((path) => /^(handler|stacks|bench|test|\.github)\/.*\.(ts|cjs|yml)$/.test(path))
      .flatMap((path) => {
        // A citation may wrap onto the next comment line.
        const text = read(path).replace(/\n\s*(\*|\/\/|#)\s*/g, " ");
        return [...text.matchAll(/docs\/([\w-]+\.md), "([^"]+)"/g)].map((match) => ({ path, doc: match[1]!, heading: match[2]! }));
      });
    expect(citations.length).toBeGreaterThan(8);
    for (const { path, doc, heading } of citations) {
      const file = join(REPO_ROOT, "docs", doc);
      expect(existsSync(file), `${path} cites docs/${doc}`).toBe(true);
      const headings = readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => /^#{2,3} /.test(line))
        .map((line) => line.replace(/^#+ /, ""));
      expect(headings, `${path} cites docs/${doc}, "${heading}"`).toContain(heading);
    }
  });

  it("the README points at both documents, and they exist", () => {
    for (const doc of ["docs/architecture.md", "docs/operations.md", "docs/privacy.md", "docs/configuration.md", "docs/upgrades.md", "docs/benchmark.md"]) {
      expect(read("README.md")).toContain(doc);
      expect(existsSync(join(REPO_ROOT, doc))).toBe(true);
    }
  });
});

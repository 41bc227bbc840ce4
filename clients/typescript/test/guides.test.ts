// docs/WEB.md and docs/MOBILE.md show every file of examples/web and examples/mobile as it is (the files are
// type-checked by `npm run typecheck`), each after a marker line naming it.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { it } from "node:test";
import { packageDir, repoDir } from "#local-server";

const MARKER = /<!-- the file clients\/typescript\/(\S+) -->\n```(?:ts|tsx)\n([\s\S]*?)```\n/g;

function exampleFiles(dir: string): string[] {
  return readdirSync(join(packageDir, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => relative(packageDir, join(e.parentPath, e.name)))
    .sort();
}

for (const [guide, dir] of [
  ["docs/WEB.md", "examples/web"],
  ["docs/MOBILE.md", "examples/mobile"],
] as const) {
  it(`${guide} shows every file of ${dir} verbatim`, () => {
    const text = readFileSync(join(repoDir, guide), "utf8");
    const shown = new Map<string, string>();
    for (const match of text.matchAll(MARKER)) shown.set(match[1]!, match[2]!);
    assert.deepEqual([...shown.keys()].filter((f) => f.startsWith(dir)).sort(), exampleFiles(dir));
    for (const [file, snippet] of shown) {
      assert.equal(snippet, readFileSync(join(packageDir, file), "utf8"), `${guide} shows ${file} as it is not`);
    }
  });
}

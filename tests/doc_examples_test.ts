/**
 * tools/doc_examples.ts: the JSDoc examples run as one test module per folder; extraction,
 * import rewriting and the generated modules (including that a failing example fails its test).
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import assert from "node:assert/strict";
import {
  absoluteImports,
  extractExamples,
  FRESH_FILES,
  groupOf,
  writeExampleTests,
} from "../tools/doc_examples.ts";

const SOURCE = `/**
 * Adds.
 * @example
 * \`\`\`ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { add } from "./m.ts";
 *
 * assertEquals(add(1, 2), 3);
 * \`\`\`
 * @example
 * \`\`\`ts ignore
 * import wasm from "./kernels.wasm";
 * \`\`\`
 */
export function add(a: number, b: number): number {
  return a + b;
}
/** One line, no example. */
export const x = \`\\\`\\\`\\\`ts not in a comment\`;
`;

Deno.test("doc examples: the ```ts blocks of JSDoc comments, without the comment's stars; `ignore` skipped", () => {
  assertEquals(extractExamples(SOURCE), [{
    line: 4,
    code:
      'import { deepStrictEqual as assertEquals } from "node:assert/strict";\nimport { add } from "./m.ts";\n\nassertEquals(add(1, 2), 3);\n',
  }]);
});

Deno.test("doc examples: relative specifiers become absolute, others stay", () => {
  const base = new URL("file:///repo/src/ops/m.ts");
  assertEquals(
    absoluteImports(
      'import * as t from "../../mod.ts";\nimport { a } from "./a.ts";\nimport "node:fs";\nconst m = await import("../x.ts");\nimport type { T } from "./t.ts";',
      base,
    ),
    'import * as t from "file:///repo/mod.ts";\nimport { a } from "file:///repo/src/ops/a.ts";\nimport "node:fs";\nconst m = await import("file:///repo/src/x.ts");\nimport type { T } from "file:///repo/src/ops/t.ts";',
  );
  assertEquals([groupOf("src/ops/m.ts"), groupOf("mod.ts")], ["src_ops", "root"]);
});

Deno.test("doc examples: one module per folder runs each example as a test, and a failing example fails", async () => {
  const root = new URL(`file://${await Deno.makeTempDir()}/`);
  try {
    await Deno.mkdir(new URL("src/", root));
    await Deno.writeTextFile(new URL("src/m.ts", root), SOURCE);
    await Deno.writeTextFile(
      new URL("src/bad.ts", root),
      SOURCE.replace("assertEquals(add(1, 2), 3)", "assertEquals(add(1, 2), 4)"),
    );
    const modules = await writeExampleTests(root, ["src/m.ts", "src/bad.ts"], new URL("out/", root));
    assertEquals(modules.map((m) => m.slice(m.lastIndexOf("/") + 1)), ["src_examples_test.ts"]);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", "--no-check", modules[0]],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.success, false, text);
    assert.match(text, /src\/m\.ts#4 \.\.\. .*ok/);
    assert.match(text, /src\/bad\.ts#4 \.\.\. .*FAILED/);
    assert.match(text, /1 passed .*1 failed/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("doc examples: the files kept on `deno test --doc` exist and have examples", async () => {
  for (const path of FRESH_FILES) {
    const source = await Deno.readTextFile(new URL(`../${path}`, import.meta.url));
    assert.ok(extractExamples(source).length > 0, path);
  }
});

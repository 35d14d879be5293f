/** tools/check_sizes.ts (`deno task check:sizes`): which files count, how lines are counted, the report. */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { assert } from "./helpers.ts";
import { isHandWrittenSource, lineCount, MAX_LINES, oversized, report } from "../tools/check_sizes.ts";

Deno.test("check:sizes: hand-written .ts/.js/.wgsl/.py count; generated modules and fixture data do not", () => {
  for (
    const p of [
      "src/tensor.ts",
      "examples/worker/index.js",
      "wgsl/matmul.wgsl",
      "tools/fixtures/ops_fixtures.py",
    ]
  ) {
    assert.ok(isHandWrittenSource(p), p);
  }
  for (
    const p of [
      "src/backends/wasm/kernels_simd.generated.js",
      "src/data/digits.generated.ts",
      "tests/fixtures/ops.json",
      "tests/fixtures/programs/net.py",
      "README.md",
      "deno.json",
      "node_modules/x/index.js",
    ]
  ) assert.ok(!isHandWrittenSource(p), p);
  assert.ok(isHandWrittenSource("tools/generated.ts"), "a tool named generated.ts is hand-written");
});

Deno.test("check:sizes: lines are counted like wc -l, plus a last line without a newline", () => {
  assertEquals(lineCount(""), 0);
  assertEquals(lineCount("a"), 1);
  assertEquals(lineCount("a\n"), 1);
  assertEquals(lineCount("a\nb"), 2);
  assertEquals(lineCount("\n\n\n"), 3);
  assertEquals(lineCount("x\n".repeat(801)), 801);
});

Deno.test("check:sizes: only files over the limit are offenders, longest first, and the report lists them", () => {
  const sizes = [
    { path: "b.ts", lines: MAX_LINES + 1 },
    { path: "a.ts", lines: MAX_LINES },
    { path: "c.py", lines: 1300 },
    { path: "d.ts", lines: MAX_LINES + 1 },
  ];
  const off = oversized(sizes);
  assertEquals(off.map((o) => o.path), ["c.py", "b.ts", "d.ts"]);
  const text = report(off, sizes.length);
  assert.match(text, /^check:sizes: 3 hand-written source files over 800 lines/);
  assert.match(text, /\n {2}c\.py: 1300 lines\n {2}b\.ts: 801 lines\n {2}d\.ts: 801 lines$/);
  assertEquals(report([], 4), "check:sizes: 4 hand-written source files, none over 800 lines");
});

Deno.test("check:sizes: the script fails on a git work tree with a file over the limit, and passes without", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const git = (...args: string[]) =>
      new Deno.Command("git", { args, cwd: dir, stdout: "null", stderr: "null" }).output();
    await git("init", "-q");
    await Deno.writeTextFile(`${dir}/small.ts`, "export const a = 1;\n".repeat(MAX_LINES));
    await Deno.writeTextFile(`${dir}/big.generated.ts`, "export const a = 1;\n".repeat(2000));
    await Deno.writeTextFile(`${dir}/untracked.ts`, "export const a = 1;\n".repeat(2000));
    await git("add", "small.ts", "big.generated.ts");
    const run = () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL("../tools/check_sizes.ts", import.meta.url).pathname, dir],
        stdout: "piped",
        stderr: "piped",
      }).output();
    let out = await run();
    assertEquals(out.code, 0);
    assertEquals(
      new TextDecoder().decode(out.stdout),
      "check:sizes: 1 hand-written source file, none over 800 lines\n",
    );
    await Deno.writeTextFile(`${dir}/src.py`, "x = 1\n".repeat(MAX_LINES + 1));
    await git("add", "src.py");
    out = await run();
    assertEquals(out.code, 1);
    assert.match(new TextDecoder().decode(out.stderr), /over 800 lines[^]*\n {2}src\.py: 801 lines$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

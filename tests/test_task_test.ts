/** tools/test.ts (`deno task test`): argument handling and which `deno test` endings count as passed. */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { denoTestArgs, exitCodeFor, parseReportTotals } from "../tools/test.ts";

const abort: Deno.CommandStatus = { success: false, code: 134, signal: "SIGABRT" };
const clean = { tests: 1061, failures: 0, errors: 0 };

Deno.test("test task: default file list in parallel, user flags before the paths, user paths replace the list", () => {
  assertEquals(denoTestArgs([], "r.xml"), [
    "test",
    "-A",
    "--v8-flags=--expose-gc",
    "--junit-path=r.xml",
    "--parallel",
    "--doc",
    "README.md",
    "src/backends/wasm/loader.ts",
    "src/backends/wasm/threads.ts",
    "src/cpu.ts",
    "tests/",
  ]);
  assertEquals(
    denoTestArgs([], "r.xml", ["/x/src_ops_examples_test.ts"]).at(-1),
    "/x/src_ops_examples_test.ts",
  );
  assertEquals(
    denoTestArgs(["tests/a_test.ts"], "r.xml", ["/x/src_ops_examples_test.ts"]).at(-1),
    "tests/a_test.ts",
  );
  assertEquals(denoTestArgs(["tests/tensor_test.ts", "--filter", "matmul"], "r.xml").slice(4), [
    "--filter",
    "matmul",
    "tests/tensor_test.ts",
  ]);
  assertEquals(denoTestArgs(["--fail-fast"], "r.xml").slice(4, 6), ["--fail-fast", "--parallel"]);
});

Deno.test("test task: reads the totals of Deno's JUnit report", () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deno test" tests="9" failures="2" errors="1" time="0.125">
    <testsuite name="./a.ts" tests="9" disabled="0" errors="0" failures="0">`;
  assertEquals(parseReportTotals(xml), { tests: 9, failures: 2, errors: 1 });
  assertEquals(parseReportTotals(""), null);
  assertEquals(parseReportTotals(`<testsuites name="deno test">`), null);
});

Deno.test("test task: only a SIGABRT after a clean report counts as passed", () => {
  assertEquals(exitCodeFor({ success: true, code: 0, signal: null }, null), 0);
  assertEquals(exitCodeFor(abort, clean), 0);
  assertEquals(exitCodeFor(abort, { ...clean, failures: 1 }), 134);
  assertEquals(exitCodeFor(abort, { ...clean, errors: 1 }), 134);
  assertEquals(exitCodeFor(abort, { tests: 0, failures: 0, errors: 0 }), 134);
  assertEquals(exitCodeFor(abort, null), 134);
  assertEquals(exitCodeFor({ success: false, code: 1, signal: null }, clean), 1);
  assertEquals(exitCodeFor({ success: false, code: 139, signal: "SIGSEGV" }, clean), 139);
});

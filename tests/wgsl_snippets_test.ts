/**
 * WGSL fragments live in `wgsl/` (`//! snippet:` sections), not in TypeScript strings: they are
 * embedded but never compiled as kernels, and `wgslSnippet` fills their placeholders. Needs no GPU.
 */
import assert from "node:assert/strict";
import { KERNELS, SNIPPETS, WGSL_PARTS } from "../src/backends/webgpu/kernels.generated.ts";
import { kernelSource, wgslSnippet } from "../src/backends/webgpu/pipelines.ts";

Deno.test("wgsl snippets: fragments of wgsl/ files, filled, never kernels", () => {
  assert.equal(
    wgslSnippet("reduce.decl_totals", { T: "i32" }),
    "@group(0) @binding(3) var<storage, read_write> TOT: array<i32>;",
  );
  // Multi-line fragments keep the indentation of the placeholder they fill.
  assert.equal(
    wgslSnippet("matmul.store_vec4"),
    "if (col < P.n) { C[p >> 2u] = lo; }\n  if (col + 4u < P.n) { C[(p >> 2u) + 1u] = hi; }",
  );
  assert.equal(
    wgslSnippet("elementwise.load_tiled", { NAME: "B", FIELD: "b" }),
    "B[i % P.b_len]",
  );
  assert.throws(() => wgslSnippet("reduce.decl_totals"), /needs a value for \{\{T\}\}/);
  assert.throws(() => wgslSnippet("matmul_simple"), /no WGSL snippet named matmul_simple/);
  assert.throws(() => wgslSnippet("matmul.wgsl"), /no WGSL snippet named matmul\.wgsl/);
  assert.throws(() => wgslSnippet("matmul.nope"), /no WGSL snippet named matmul\.nope/);
  assert.throws(() => kernelSource("matmul.store_vec4"), /no WGSL kernel named matmul\.store_vec4/);
  const snippets = SNIPPETS;
  assert.ok(snippets.includes("indexing.report") && snippets.includes("loss.logp_row"), snippets.join(", "));
  for (const s of snippets) assert.ok(s in WGSL_PARTS && !(s in KERNELS), s);
  for (const k of Object.values(KERNELS)) for (const part of k) assert.ok(!snippets.includes(part), part);
});

Deno.test("wgsl kernels: named after their op, each the entry point of its module", () => {
  // The rule of tools/build_wgsl.ts: the name is the Backend op (as the wasm exports'
  // `<op>_<dtype>`), or `<op>_<part>` for a variant or pass, and it is the WGSL entry point.
  for (
    const op of [
      "softmax",
      "maxPool2d",
      "avgPool2dBackward",
      "gather",
      "scatterAdd",
      "crossEntropy",
      "cumsum",
    ]
  ) {
    assert.ok(op in KERNELS, op);
  }
  for (const [name, parts] of Object.entries(KERNELS)) {
    assert.equal(parts[parts.length - 1], name);
    assert.match(WGSL_PARTS[name], new RegExp(`@compute @workgroup_size\\([^)]*\\)\\s*fn ${name}\\(`), name);
  }
});

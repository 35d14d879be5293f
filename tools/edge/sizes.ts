/**
 * `deno task edge:sizes`: minified esbuild bundles of four programs, with one embedded wasm build
 * (`globalThis.EDGETORCH_WASM = "relaxed"`) and with none (Workers: the kernels ship as a separate
 * `.wasm` module, sized on its own): (a) tensors and autograd, (b) nn + optim training with `nn`
 * and `optim` imported from their own entries (`import * as nn from "@edgetorch/torch/nn"`, as the
 * README advises for bundles), (b') the same program importing `{ nn, optim }` from the main entry
 * (esbuild keeps every layer then: it cannot tree-shake a namespace re-exported by another
 * module), (c) everything. Prints raw and gzip sizes as a Markdown table, and fails when a bundle carries both
 * wasm builds, when (a) or (b) carries WGSL, or when (b) with one build exceeds 250 KB gzip.
 *
 *   deno task edge:sizes
 * @module
 */
import { bundle, report, ROOT, stopBundler } from "./common.ts";

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

if (import.meta.main) {
  const programs = [
    { name: "(a) tensor + autograd", entry: "tests/edge/size_tensor.ts" },
    { name: "(b) nn + optim training", entry: "tests/edge/size_training_entries.ts" },
    {
      name: "(b') the same, `import { nn, optim }` from the main entry",
      entry: "tests/edge/size_training.ts",
    },
    { name: "(c) everything (mod.ts)", entry: "tests/edge/size_everything.ts" },
  ];
  const rows: string[] = [];
  const problems: string[] = [];
  let trainingGzip = 0;
  for (const p of programs) {
    const cells: string[] = [];
    for (const wasm of ["relaxed", "none"] as const) {
      const b = await bundle({
        entry: p.entry,
        outfile: `sizes/${p.entry.split("/").pop()}.${wasm}.js`,
        wasm,
      });
      const bytes = await Deno.readFile(b.path);
      const text = new TextDecoder().decode(bytes);
      const gz = await gzipSize(bytes);
      // Builds of the CPU kernels: base64 wasm strings of 100 KB or more.
      const builds = text.match(/"AGFzbQ[A-Za-z0-9+/=]{100000,}"/g)?.length ?? 0;
      const wgsl = text.includes("@compute");
      if (builds !== (wasm === "none" ? 0 : 1)) {
        problems.push(`${p.name} (${wasm}): ${builds} embedded wasm builds`);
      }
      if (wgsl && !p.entry.endsWith("everything.ts")) {
        problems.push(`${p.name} (${wasm}): carries the WGSL kernels`);
      }
      // The embedded digits data (a gzip's base64, "H4sI...") belongs only to programs that load it.
      if (/"H4sI[A-Za-z0-9+/=]{10000,}"/.test(text) && !p.entry.endsWith("everything.ts")) {
        problems.push(`${p.name} (${wasm}): carries the 77 KB digits data`);
      }
      if (wasm === "relaxed" && p.entry.endsWith("training_entries.ts")) trainingGzip = gz;
      cells.push(`${kb(b.bytes)} / ${kb(gz)}`);
      if (wasm === "relaxed") cells.push(wgsl ? "yes" : "no");
    }
    rows.push(`| ${p.name} | ${cells[0]} | ${cells[1]} | ${cells[2]} |`);
  }
  await stopBundler();
  const wasmFile = await Deno.readFile(new URL("src/backends/wasm/kernels_relaxed.wasm", ROOT));
  console.log(
    "| program | one wasm build inline: min / gzip | WGSL | no wasm inline (Workers): min / gzip |",
  );
  console.log("| --- | ---: | :---: | ---: |");
  for (const r of rows) console.log(r);
  console.log(
    `| kernels_relaxed.wasm (shipped beside) | ${kb(wasmFile.length)} / ${
      kb(await gzipSize(wasmFile))
    } | | |`,
  );
  if (trainingGzip > 250 * 1024) problems.push(`(b) is ${kb(trainingGzip)} gzip, over the 250 KB goal`);
  Deno.exit(
    report(
        "bundle sizes: one wasm build at most, no WGSL or digits data unless used, (b) within 250 KB gzip",
        problems,
      )
      ? 0
      : 1,
  );
}

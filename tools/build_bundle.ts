// deno-lint-ignore-file no-import-prefix
/**
 * `deno task build:bundle`: `dist/mod.js`, the whole library in one minified ES module (esbuild),
 * published as `@edgetorch/torch/bundle`, beside one module per embedded build of the CPU kernels
 * (`dist/kernels_*.js`, of which an import loads the one the runtime runs) and the `.wasm` files
 * (read instead where the bundle is a local file the runtime may read). Deno spends most of a cold start loading the ~160 modules
 * of `mod.ts` (import to first result, idle 2-core machine: 106 ms from the source graph, 44 ms from
 * the bundle); the bundle's first line, `// @ts-self-types="../mod.ts"`, gives it the source's types.
 * It is built, not committed (no source edit has to regenerate it): `deno task check` builds it
 * with `--check`, which also imports it and requires the same losses as mod.ts over a few training
 * steps (here, not in the test suite, so that `deno task test` needs nothing from npm).
 * @module
 */
import * as esbuild from "npm:esbuild@0.24.2";
import * as torch from "../mod.ts";

const ROOT = new URL("../", import.meta.url);
const OUT = new URL("dist/mod.js", ROOT);

const DIST = new URL("dist/", ROOT);
await Deno.remove(DIST, { recursive: true }).catch(() => {});
await Deno.mkdir(DIST, { recursive: true });
// Split so that each embedded build of the kernels is a module of its own, loaded only where it
// runs (src/backends/wasm/embedded.ts imports one at import time): a 290 KB string costs Deno ~7 ms.
const result = await esbuild.build({
  entryPoints: { mod: new URL("mod.ts", ROOT).pathname },
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  platform: "neutral",
  target: "es2022",
  outdir: DIST.pathname,
  entryNames: "[name]",
  chunkNames: "[name]-[hash]",
  write: false,
  logLevel: "warning",
});
await esbuild.stop();
const sizes: string[] = [];
for (const file of result.outputFiles) {
  let code = new TextDecoder().decode(file.contents);
  if (file.path === OUT.pathname) {
    code =
      `// @ts-self-types="../mod.ts"\n// The whole of mod.ts in one module, built by tools/build_bundle.ts.\n${code}`;
  }
  await Deno.writeTextFile(file.path, code);
  sizes.push(`${file.path.slice(DIST.pathname.length)} ${(code.length / 1024).toFixed(0)} KB`);
}
// The .wasm builds beside the bundle: where it runs as a local file (Bun, Deno with read
// permission) the kernels are read from them instead of the base64 chunk (src/backends/wasm/embedded.ts).
for (const variant of ["relaxed", "simd"]) {
  const name = `kernels_${variant}.wasm`;
  await Deno.copyFile(new URL(`src/backends/wasm/${name}`, ROOT), new URL(name, DIST));
  sizes.push(`${name} ${((await Deno.stat(new URL(name, DIST))).size / 1024).toFixed(0)} KB`);
}
console.log(`wrote dist/: ${sizes.join(", ")}`);

/** Five seeded SGD steps of a small MLP; their losses. */
function losses(t: typeof torch): number[] {
  t.manualSeed(5);
  const model = new t.nn.Sequential(new t.nn.Linear(6, 8), new t.nn.ReLU(), new t.nn.Linear(8, 3));
  const opt = new t.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = t.randn(16, 6), y = t.randint(0, 3, [16]);
  const out: number[] = [];
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    const loss = t.nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    out.push(loss.item());
  }
  return out;
}

if (Deno.args.includes("--check")) {
  const bundled = await import(OUT.href) as typeof torch;
  const [a, b] = [losses(bundled), losses(torch)];
  if (bundled.Tensor === torch.Tensor || JSON.stringify(a) !== JSON.stringify(b)) {
    console.error(`build:bundle --check: the bundle's losses ${a} differ from mod.ts's ${b}`);
    Deno.exit(1);
  }
  console.log(
    `build:bundle --check: the bundle trains as mod.ts does (losses ${a.map((v) => v.toFixed(4))})`,
  );
}

/**
 * Loading the CPU kernels (src/backends/wasm/loader.ts): the relaxed-SIMD probe, lazy compilation
 * of one embedded build, `torch.init({ wasm })` with every accepted source, clear errors for
 * foreign modules, and (in fresh processes) a runtime that forbids compiling bytes, as Cloudflare
 * Workers do.
 */
import { assert } from "./helpers.ts";
import {
  compileKernels,
  kernelModule,
  relaxedSimdSupported,
  type WasmVariant,
} from "../src/backends/wasm/loader.ts";
import { embeddedBytes, loadEmbeddedBuild } from "../src/backends/wasm/embedded.ts";
import { KERNELS_SOURCE_HASH } from "../src/backends/wasm/kernels_info.generated.ts";

const WASM_DIR = new URL("../src/backends/wasm/", import.meta.url);
const wasmUrl = (v: WasmVariant) => new URL(`kernels_${v}.wasm`, WASM_DIR);
const wasmBytes = (v: WasmVariant) => Deno.readFileSync(wasmUrl(v));

/** A tiny valid module (one empty function) with a custom section `name` holding `payload`. */
function moduleWithSection(name: string, payload: string): Uint8Array<ArrayBuffer> {
  const enc = new TextEncoder();
  const n = enc.encode(name), p = enc.encode(payload);
  const content = [n.length, ...n, ...p];
  if (n.length > 127 || content.length > 127) throw new Error("test helper: keep sections short");
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    0x01,
    0x04,
    0x01,
    0x60,
    0x00,
    0x00, // type () -> ()
    0x03,
    0x02,
    0x01,
    0x00,
    0x0a,
    0x04,
    0x01,
    0x02,
    0x00,
    0x0b,
    0x00,
    content.length,
    ...content,
  ]);
}

/** Runs `code` (a module) in a fresh Deno process; returns its stdout, failing on a non-zero exit. */
async function runFresh(code: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout), stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`child failed (${out.code}):\n${stdout}\n${stderr}`);
  return stdout;
}

const MOD = new URL("../mod.ts", import.meta.url).href;
const LOADER = new URL("../src/backends/wasm/loader.ts", import.meta.url).href;
const BACKEND = new URL("../src/backends/wasm/backend.ts", import.meta.url).href;
const EMBEDDED = new URL("../src/backends/wasm/embedded.ts", import.meta.url).href;
const BASE64 = new URL("../src/backends/wasm/base64.ts", import.meta.url).href;
const RELAXED_B64 = new URL("../src/backends/wasm/kernels_relaxed.generated.js", import.meta.url).href;

await loadEmbeddedBuild("simd"); // the tests below use both builds

Deno.test("wasm loader: the probe finds relaxed SIMD in Deno (V8)", () => {
  assert.equal(relaxedSimdSupported(), true);
  assert.equal(relaxedSimdSupported(), true); // memoised
});

Deno.test("wasm loader: each embedded build compiles once; the shipped .wasm files are the embedded bytes", () => {
  for (const v of ["relaxed", "simd"] as const) {
    const a = kernelModule(v), b = kernelModule(v);
    assert.equal(a.variant, v);
    assert.equal(a.module, b.module, "compiled once");
    assert.deepEqual(embeddedBytes(v), wasmBytes(v));
    const [section] = WebAssembly.Module.customSections(a.module, "edgetorch");
    assert.deepEqual(JSON.parse(new TextDecoder().decode(section)), {
      variant: v,
      sources: KERNELS_SOURCE_HASH,
    });
  }
  assert.throws(
    () => kernelModule("avx" as WasmVariant),
    /unknown kernel build "avx"; expected "relaxed" or "simd"/,
  );
});

Deno.test("wasm loader: importing loads only the build this runtime runs; the other loads on request", async () => {
  const out = await runFresh(`
    const { embeddedBytes, loadEmbeddedBuild } = await import("${EMBEDDED}");
    const before = [embeddedBytes("relaxed") !== null, embeddedBytes("simd") !== null];
    const { kernelModule } = await import("${LOADER}");
    let refused = "";
    try { kernelModule("simd"); } catch (e) { refused = e.message; }
    const loaded = await loadEmbeddedBuild("simd");
    console.log(JSON.stringify({ before, refused, loaded, simd: kernelModule("simd").variant }));
  `);
  const r = JSON.parse(out);
  assert.deepEqual(r.before, [true, false], "only the relaxed build is loaded at import in Deno");
  assert.match(r.refused, /the simd build of the kernels is not loaded .* await loadEmbeddedBuild\("simd"\)/);
  assert.equal(r.loaded, true);
  assert.equal(r.simd, "simd");
});

Deno.test("wasm loader: a local checkout reads the .wasm file beside the module; without read permission, or with a stale file, the base64 module", async () => {
  const code = (embedded: string) => `
    const { embeddedBytes, embeddedSource } = await import("${embedded}");
    const { decodeBase64 } = await import("${BASE64}");
    const { WASM_BASE64 } = await import("${RELAXED_B64}");
    const same = JSON.stringify([...embeddedBytes("relaxed")!]) === JSON.stringify([...decodeBase64(WASM_BASE64)]);
    console.log(JSON.stringify({ source: embeddedSource("relaxed"), same }));
  `;
  assert.deepEqual(JSON.parse(await runFresh(code(EMBEDDED))), { source: "file", same: true });

  const dir = await Deno.makeTempDir();
  try {
    const script = `${dir}/no_read.ts`;
    await Deno.writeTextFile(script, code(EMBEDDED));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", script],
      stdout: "piped",
    })
      .output();
    assert.ok(out.success, "runs without read permission");
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), { source: "base64", same: true });

    // A copy of the loader whose kernels_relaxed.wasm is another build (the simd one): not used.
    const src = new URL("../src/backends/wasm/", import.meta.url);
    for (
      const f of [
        "embedded.ts",
        "base64.ts",
        "kernels_info.generated.ts",
        "relaxed_probe.ts",
        "wasm_bytes.ts",
      ]
    ) {
      await Deno.copyFile(new URL(f, src), `${dir}/${f}`);
    }
    await Deno.copyFile(new URL("kernels_relaxed.generated.js", src), `${dir}/kernels_relaxed.generated.js`);
    await Deno.copyFile(new URL("kernels_simd.wasm", src), `${dir}/kernels_relaxed.wasm`);
    assert.deepEqual(JSON.parse(await runFresh(code(`file://${dir}/embedded.ts`))), {
      source: "base64",
      same: true,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wasm loader: a build-time choice of EDGETORCH_WASM leaves the other builds out", async () => {
  for (const choice of ["simd", "relaxed", "none"]) {
    const out = await runFresh(`
      (globalThis as { EDGETORCH_WASM?: string }).EDGETORCH_WASM = "${choice}";
      const { embeddedBytes, loadEmbeddedBuild } = await import("${EMBEDDED}");
      const atImport = [embeddedBytes("relaxed") !== null, embeddedBytes("simd") !== null];
      const onRequest = [await loadEmbeddedBuild("relaxed"), await loadEmbeddedBuild("simd")];
      const { kernelModule } = await import("${LOADER}");
      let refused = "";
      try { kernelModule(); } catch (e) { refused = e.message; }
      console.log(JSON.stringify({ atImport, onRequest, refused }));
    `);
    const r = JSON.parse(out);
    const want = [choice === "relaxed", choice === "simd"];
    assert.deepEqual(r.atImport, want, `${choice}: builds loaded at import`);
    assert.deepEqual(r.onRequest, want, `${choice}: builds loadable later`);
    if (choice === "simd" || choice === "none") {
      assert.match(r.refused, /the relaxed build of the kernels was left out of this bundle/, choice);
    } else assert.equal(r.refused, "", choice);
  }
});

Deno.test("wasm loader: compileKernels takes a Module, bytes, Responses (streaming or not), promises and fetch(url) done by the caller", async () => {
  for (const v of ["relaxed", "simd"] as const) {
    const bytes = wasmBytes(v);
    const sources = [
      ["module", new WebAssembly.Module(bytes)],
      ["Uint8Array", bytes],
      ["ArrayBuffer", bytes.buffer],
      ["streamed Response", new Response(bytes, { headers: { "content-type": "application/wasm" } })],
      ["Response without a wasm content type", new Response(bytes)],
      ["promise of a Response", Promise.resolve(new Response(bytes))],
      ["fetch of a file URL", fetch(wasmUrl(v))],
    ] as const;
    for (const [what, s] of sources) {
      const k = await compileKernels(s);
      assert.equal(k.variant, v, what);
      assert.ok(k.module instanceof WebAssembly.Module, what);
    }
  }
});

Deno.test("wasm loader: foreign or stale modules and bad sources are refused clearly", async () => {
  await assert.rejects(
    () => compileKernels(moduleWithSection("other", "x")),
    /torch.init: the bytes is not edgetorch's CPU kernels \(no "edgetorch" custom section\); pass kernels_relaxed.wasm or kernels_simd.wasm/,
  );
  await assert.rejects(
    () => compileKernels(new WebAssembly.Module(moduleWithSection("edgetorch", "not json"))),
    /the module is not edgetorch's CPU kernels/,
  );
  await assert.rejects(
    () =>
      compileKernels(moduleWithSection("edgetorch", JSON.stringify({ variant: "simd", sources: "0123abc" }))),
    /torch.init: the bytes was built from other kernel sources \(0123abc…\) than this version of edgetorch/,
  );
  await assert.rejects(
    () =>
      compileKernels(
        moduleWithSection("edgetorch", JSON.stringify({ variant: "avx", sources: KERNELS_SOURCE_HASH })),
      ),
    /unknown kernel build "avx"/,
  );
  await assert.rejects(
    () => compileKernels(new Uint8Array([1, 2, 3])),
    /torch.init: could not compile the bytes/,
  );
  await assert.rejects(
    () => compileKernels(new Response("not found", { status: 404, statusText: "Not Found" })),
    /torch.init: fetching the response failed: HTTP 404 Not Found/,
  );
  await assert.rejects(
    () => compileKernels(new URL("./no_such_file.wasm", WASM_DIR) as unknown as Uint8Array),
    /torch.init: got the URL file:\/\/.*no_such_file.wasm; the library makes no network requests: request the file yourself and pass the Response/,
  );
  await assert.rejects(
    () => compileKernels(42 as unknown as Uint8Array),
    /torch.init: wasm must be a WebAssembly.Module, a Response \(or a promise of one\) or the .wasm file's bytes; got a number/,
  );
});

Deno.test("wasm loader: init before the first op installs the given build; later the same build is a no-op, the other is refused", async () => {
  const out = await runFresh(`
    import * as torch from "${MOD}";
    import { wasmBackend } from "${BACKEND}";
    console.log(await torch.init({ wasm: Deno.readFileSync(new URL("kernels_simd.wasm", "${WASM_DIR.href}")) }));
    console.log(wasmBackend().variant, torch.tensor([1, 2, 3]).mul(2).sum().item());
    console.log(await torch.init({ wasm: fetch(new URL("kernels_simd.wasm", "${WASM_DIR.href}")) }));
    await torch.init({ wasm: fetch(new URL("kernels_relaxed.wasm", "${WASM_DIR.href}")) }).catch((e) => console.log(e.message));
    console.log(await torch.init(), wasmBackend().variant);
  `);
  const lines = out.trim().split("\n");
  assert.deepEqual(lines.slice(0, 3), ["simd", "simd 12", "simd"]);
  assert.match(
    lines[3],
    /^torch.init: the CPU kernels are already in use \(the simd build, loaded by an earlier CPU op or init\), so the relaxed build cannot replace them; call init before creating tensors$/,
  );
  assert.equal(lines[4], "simd simd", "init() with no wasm keeps the build in use");
  assert.equal(lines.length, 5);
});

Deno.test("wasm loader: without init, the first op compiles the best embedded build (nothing at import)", async () => {
  const out = await runFresh(`
    let compiles = 0;
    const Module = WebAssembly.Module;
    // Count compilations of more than a probe's few bytes.
    WebAssembly.Module = function (b: BufferSource) { if (b.byteLength > 1000) compiles++; return new Module(b); } as unknown as typeof WebAssembly.Module;
    const torch = await import("${MOD}");
    console.log(compiles);
    torch.ones(3);
    torch.ones(3).add(1);
    console.log(compiles);
  `);
  assert.deepEqual(out.trim().split("\n"), ["0", "1"]);
});

Deno.test("wasm loader: where compiling bytes is forbidden (Workers), the first op says how to hand the kernels over, and init({ wasm: module }) works", async () => {
  const out = await runFresh(`
    const module = new WebAssembly.Module(Deno.readFileSync(new URL("kernels_relaxed.wasm", "${WASM_DIR.href}")));
    // What workerd does: no code generation from bytes, in any form.
    const refuse = () => { throw new WebAssembly.CompileError("WebAssembly.Module(): Wasm code generation disallowed by embedder"); };
    // The constructor refuses bytes; instanceof and the static methods still work.
    WebAssembly.Module = new Proxy(WebAssembly.Module, { construct: refuse });
    WebAssembly.compile = refuse;
    WebAssembly.compileStreaming = refuse;
    const torch = await import("${MOD}");
    try { torch.ones(2); } catch (e) { console.log((e as Error).message); }
    await torch.init({ wasm: module });
    console.log(torch.ones(2).add(1).toArray().join(","));
  `);
  const [err, result] = out.trim().split("\n");
  assert.match(
    err,
    /cpu backend: this runtime cannot compile WebAssembly from bytes \(WebAssembly.Module\(\): Wasm code generation disallowed by embedder\)\. Hand edgetorch the compiled kernels before the first CPU op, e.g. in Cloudflare Workers: import wasm from ".\/kernels_relaxed.wasm"; await torch.init\(\{ wasm \}\)/,
  );
  assert.equal(result, "2,2");
});

Deno.test("wasm loader: a bundle built without embedded kernels asks for them", async () => {
  const out = await runFresh(`
    (globalThis as { EDGETORCH_WASM?: string }).EDGETORCH_WASM = "none";
    const { kernelModule } = await import("${LOADER}");
    try { kernelModule(); } catch (e) { console.log((e as Error).message); }
  `);
  assert.match(
    out,
    /cpu backend: the relaxed build of the kernels was left out of this bundle \(globalThis.EDGETORCH_WASM = "none" at build time\); hand them over before the first CPU op: await torch.init\(\{ wasm \}\) with kernels_relaxed.wasm/,
  );
});

Deno.test("wasm loader: kernels handed over as bytes keep threads; as a compiled module they run one thread, with the reason", async () => {
  const run = (wasm: string) =>
    runFresh(`
    const bytes = Deno.readFileSync(new URL("kernels_relaxed.wasm", "${WASM_DIR.href}"));
    const torch = await import("${MOD}");
    await torch.init({ wasm: ${wasm} });
    torch.setNumThreads(2);
    const threads = await torch.cpu.startThreads();
    const x = torch.randn(300, 300);
    console.log(JSON.stringify({ threads, reason: torch.cpu.threadingReason(), ok: Number.isFinite(x.matmul(x).sum().item()) }));
  `);
  const fromBytes = JSON.parse(await run("bytes"));
  assert.deepEqual(fromBytes, { threads: 2, reason: null, ok: true });
  const fromModule = JSON.parse(await run("new WebAssembly.Module(bytes)"));
  assert.equal(fromModule.threads, 1);
  assert.equal(fromModule.ok, true);
  assert.match(
    fromModule.reason,
    /the CPU kernels were handed over as a compiled WebAssembly.Module \(or a streamed Response\), so no build with a shared memory can be made from them/,
  );
});

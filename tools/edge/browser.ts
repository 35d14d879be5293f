/**
 * `deno task edge:browser`: the library in headless Chromium (Debian's `chromium`, WebGPU on
 * SwiftShader), served from 127.0.0.1:
 * 1. import to first result (`randn(64, 64).matmul(...)` and a read) of the bundle with one wasm
 *    build, in `--runs` page loads (the first with a fresh profile and cache), alternating with as
 *    many loads of a bundle that imports only `randn` by name (tests/edge/first_page.ts);
 * 2. the scenario (forward, backward, training steps, save/load) on the CPU and on WebGPU,
 *    compared with Deno's CPU run, and the GPU with the CPU;
 * 3. every WGSL kernel validated by Chromium's compiler (Tint, stricter than Deno's): the tour
 *    runs in Deno first (Deno's WebGPU) and the page validates each kernel it compiled; then the
 *    page runs the tour itself, building and running the pipelines (all but the direct matmul
 *    kernel, which SwiftShader takes minutes to build) and comparing every GPU primitive with the
 *    CPU.
 * Prints what it computed; exits non-zero on any failure. Chromium is stopped by its pid.
 *
 *   deno task edge:browser [--chromium PATH] [--runs 5] [--timeout 600]
 * @module
 */
import type { BrowserReport } from "../../tests/edge/browser_checks.ts";
import { pipelineTour } from "../../tests/edge/pipeline_tour.ts";
import * as gpu from "../../src/gpu.ts";
import { WasmBackend } from "../../src/backends/wasm/backend.ts";
import { WebGPUBackend } from "../../src/backends/webgpu/backend.ts";
import {
  bundle,
  checkScenario,
  denoReference,
  findCommand,
  flag,
  median,
  OUT,
  report,
  stopBundler,
  TOL,
} from "./common.ts";

/** Chromium's flags: headless, WebGPU on SwiftShader, nothing that reaches the network. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--enable-unsafe-webgpu",
  "--use-webgpu-adapter=swiftshader",
  "--use-angle=swiftshader",
  "--enable-features=Vulkan",
  "--disable-gpu-sandbox",
  // SwiftShader runs compute shaders on the CPU: on a busy CI machine a dispatch can outlast the
  // GPU watchdog, which would kill the GPU process.
  "--disable-gpu-watchdog",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The page loads alternate between the bundle of all of mod.ts and the named-import module. */
const FIRST_LIBS = ["/edgetorch.js", "/first_page.js"];

const FIRST_PAGE = (run: number, runs: number) =>
  `<!doctype html>
<meta charset="utf-8"><title>edgetorch first result ${run}</title>
<script type="module">
// The same dynamic import of a one-line module: what fetching a module costs here, for comparison.
const b0 = performance.now();
await import("/tiny.js?run=${run}");
const baselineMs = performance.now() - b0;
const t0 = performance.now();
const torch = await import("${FIRST_LIBS[run % FIRST_LIBS.length]}");
const t1 = performance.now();
const a = torch.randn(64, 64);
const value = a.matmul(a).sum().item();
const t2 = performance.now();
await fetch("/first", { method: "POST", body: JSON.stringify({ run: ${run}, lib: "${
    FIRST_LIBS[run % FIRST_LIBS.length]
  }", baselineMs, importMs: t1 - t0, firstMs: t2 - t1, totalMs: t2 - t0, value }) });
location.href = ${run + 1 < runs ? `"/first.html?run=${run + 1}"` : `"/checks.html"`};
</script>`;

const CHECKS_PAGE = `<!doctype html>
<meta charset="utf-8"><title>edgetorch checks</title>
<script>
addEventListener("error", (e) => fetch("/log", { method: "POST", body: String(e.message) }));
addEventListener("unhandledrejection", (e) => fetch("/log", { method: "POST", body: String(e.reason?.stack ?? e.reason) }));
</script>
<script type="module" src="/checks.js"></script>`;

interface FirstTiming {
  run: number;
  lib: string;
  baselineMs: number;
  importMs: number;
  firstMs: number;
  totalMs: number;
  value: number;
}

if (import.meta.main) {
  const chromium = await findCommand([flag("chromium", "chromium"), "chromium-browser", "google-chrome"]);
  if (!chromium) {
    console.error("edge:browser: Chromium is not installed (Debian: apt-get install chromium)");
    Deno.exit(1);
  }
  const runs = Number(flag("runs", "5"));
  const timeoutMs = Number(flag("timeout", "600")) * 1000;
  const lib = await bundle({
    entry: "mod.ts",
    outfile: "browser/edgetorch.js",
    wasm: "relaxed",
    platform: "browser",
  });
  const named = await bundle({
    entry: "tests/edge/first_page.ts",
    outfile: "browser/first_page.js",
    wasm: "relaxed",
    platform: "browser",
  });
  const checks = await bundle({
    entry: "tests/edge/browser_checks.ts",
    outfile: "browser/checks.js",
    wasm: "relaxed",
    platform: "browser",
  });
  await stopBundler();
  console.log(
    `bundles: edgetorch.js ${(lib.bytes / 1024).toFixed(0)} KB, first_page.js ${
      (named.bytes / 1024).toFixed(0)
    } KB, checks.js ${(checks.bytes / 1024).toFixed(0)} KB`,
  );
  const reference = await denoReference();
  // Every kernel the tour compiles in Deno, for Chromium to validate.
  if (!(await gpu.isAvailable())) {
    console.error(`edge:browser: Deno has no WebGPU adapter here (${gpu.reason}); it runs the tour first`);
    Deno.exit(1);
  }
  const device = gpu.webgpuBackend()!.gpu;
  const denoTour = await pipelineTour(new WasmBackend(), [
    new WebGPUBackend(device, { tuning: "cpu" }),
    new WebGPUBackend(device, { tuning: "gpu" }),
  ]);
  const specsJson = JSON.stringify(
    [...new Map(denoTour.specs.map((s) => [`${s.name}|${JSON.stringify(s.subs)}`, s])).values()],
  );
  console.log(`Deno's tour compiled ${denoTour.keys.length} kernels (${denoTour.failures.length} failures)`);

  const timings: FirstTiming[] = [];
  const logs: string[] = [];
  let resolveReport: (r: BrowserReport | null) => void = () => {};
  const reportPromise = new Promise<BrowserReport | null>((r) => (resolveReport = r));
  const files: Record<string, string> = {
    "/edgetorch.js": lib.path,
    "/first_page.js": named.path,
    "/checks.js": checks.path,
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (req.method === "POST") {
      const body = await req.text();
      if (url.pathname === "/first") timings.push(JSON.parse(body));
      else if (url.pathname === "/results") resolveReport(JSON.parse(body));
      else if (url.pathname === "/progress") console.log(`  page: ${body}`);
      else logs.push(body);
      return new Response("ok");
    }
    if (url.pathname === "/first.html") {
      const html = FIRST_PAGE(Number(url.searchParams.get("run") ?? "0"), runs * FIRST_LIBS.length);
      return new Response(html, { headers: { "content-type": "text/html" } });
    }
    if (url.pathname === "/tiny.js") {
      return new Response("export const ok = 1;\n", { headers: { "content-type": "text/javascript" } });
    }
    if (url.pathname === "/checks.html") {
      return new Response(CHECKS_PAGE, { headers: { "content-type": "text/html" } });
    }
    if (url.pathname === "/specs.json") {
      return new Response(specsJson, { headers: { "content-type": "application/json" } });
    }
    const file = files[url.pathname];
    if (file) {
      // Served as a site serves a versioned bundle (cached for good), so that later loads come from
      // the HTTP cache and V8's code cache, as a returning visitor's do.
      return new Response(await Deno.readFile(file), {
        headers: {
          "content-type": "text/javascript",
          "cache-control": "public, max-age=31536000, immutable",
        },
      });
    }
    return new Response("not found", { status: 404 });
  });
  const profile = await Deno.makeTempDir({ prefix: "edgetorch-chromium-" });
  await Deno.mkdir(OUT, { recursive: true });
  const logFile = new URL("browser/chromium.log", OUT).pathname;
  const log = await Deno.open(logFile, { write: true, create: true, truncate: true });
  const start = runs > 0 ? "/first.html?run=0" : "/checks.html";
  const child = new Deno.Command(chromium, {
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, `http://127.0.0.1:${server.addr.port}${start}`],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const logDone = child.stderr.pipeTo(log.writable).catch(() => {});
  console.log(`chromium pid ${child.pid} on http://127.0.0.1:${server.addr.port}/ (log: ${logFile})`);
  const timer = setTimeout(() => resolveReport(null), timeoutMs);
  const exited = child.status.then(() => resolveReport(null));
  const result = await reportPromise;
  clearTimeout(timer);
  try {
    child.kill("SIGTERM");
  } catch {
    // already exited
  }
  await child.status;
  await exited;
  await logDone;
  await server.shutdown();
  await Deno.remove(profile, { recursive: true }).catch(() => {});

  let ok = true;
  if (timings.length > 0) {
    const line = (what: string, ts: FirstTiming[]) =>
      `${what}: ${median(ts.map((t) => t.totalMs)).toFixed(1)} ms (import ${
        median(ts.map((t) => t.importMs)).toFixed(1)
      }, first op + read ${median(ts.map((t) => t.firstMs)).toFixed(1)}; importing a one-line module takes ${
        median(ts.map((t) => t.baselineMs)).toFixed(1)
      })`;
    for (
      const [name, what, bytes] of [
        ["/edgetorch.js", "the bundle of all of mod.ts", lib.bytes],
        ["/first_page.js", "a bundle of `export { randn }` from mod.ts", named.bytes],
      ] as const
    ) {
      const ts = timings.filter((t) => t.lib === name);
      if (ts.length === 0) continue;
      console.log(`import to first result in Chromium, ${what} (${(bytes / 1024).toFixed(0)} KB):`);
      const first = name === FIRST_LIBS[0] ? "first load, fresh profile" : "first load of this file";
      console.log(`  ${line(first, ts.slice(0, 1))}`);
      if (ts.length > 1) {
        console.log(`  ${line(`median of ${ts.length - 1} later loads (from the HTTP cache)`, ts.slice(1))}`);
      }
    }
  }
  if (!result) {
    console.log(`FAIL  no results from Chromium within ${timeoutMs / 1000} s (see ${logFile})`);
    for (const l of logs) console.log(`      page: ${l}`);
    Deno.exit(1);
  }
  console.log(`user agent: ${result.userAgent}`);
  if (result.error) ok = report("page", [result.error]) && ok;
  ok = checkScenario("Chromium CPU scenario equals Deno's CPU result", result.cpu, reference, TOL.cpu) && ok;
  if (result.gpuReason !== undefined) {
    ok = report("WebGPU available in Chromium", [String(result.gpuReason)]) && ok;
  } else {
    console.log(
      `adapter: ${JSON.stringify(result.adapter)}; device features: ${result.features?.join(", ")}`,
    );
    if (result.skipped) {
      console.log(
        `${result.skipped} kernels of Deno's tour need a feature Chromium's device lacks: not validated`,
      );
    }
    ok = checkScenario("Chromium WebGPU scenario equals Deno's CPU result", result.gpu, reference, TOL.gpu) &&
      ok;
    if (result.cpu && !("error" in result.cpu) && result.gpu && !("error" in result.gpu)) {
      ok = checkScenario("Chromium WebGPU scenario equals Chromium's CPU", result.gpu, result.cpu, TOL.gpu) &&
        ok;
    }
    ok =
      report(`Chromium's WGSL compiler accepts all ${result.validated ?? 0} kernels Deno's tour compiled`, [
        ...(result.invalid ?? []),
        ...(result.validated ? [] : ["no kernels validated"]),
      ]) && ok;
    const tour = result.tour;
    if (!tour || "error" in tour) ok = report("pipeline tour", [tour?.error ?? "no result"]) && ok;
    else {
      ok = report(
        `pipeline tour: ${tour.keys.length} pipelines compiled by Chromium, ${tour.checks} GPU results equal the CPU's ` +
          `(${((result.tourMs ?? 0) / 1000).toFixed(1)} s)`,
        tour.failures,
      ) && ok;
    }
  }
  for (const l of logs) console.log(`page log: ${l}`);
  Deno.exit(ok ? 0 : 1);
}

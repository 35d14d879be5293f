// deno-lint-ignore-file no-import-prefix
/**
 * Shared by the real-runtime checks under `tools/edge/`: bundling with esbuild (an npm package of
 * these tools only, never of the library), locating runtimes, the Deno CPU reference of the
 * scenario, and printing comparisons.
 * @module
 */
import * as esbuild from "npm:esbuild@0.24.2";
import * as torch from "../../mod.ts";
import { compareScenario, runScenario, type ScenarioResult } from "../../tests/edge/scenario.ts";

export const ROOT = new URL("../../", import.meta.url);
/** Where the checks write bundles and scratch files (ignored by git). */
export const OUT = new URL(".cache/edge/", ROOT);

/** Options of {@link bundle}. */
export interface BundleOptions {
  /** The entry module, relative to the repository root. */
  entry: string;
  /** Output file, relative to {@link OUT}. */
  outfile: string;
  /** Keep only this embedded wasm build (`globalThis.EDGETORCH_WASM`), or none. */
  wasm?: "relaxed" | "simd" | "none";
  minify?: boolean;
  /** Import paths left to the runtime (e.g. `*.wasm` for workerd). */
  external?: string[];
  /** File loaders by extension (e.g. `{ ".safetensors": "binary" }`). */
  loader?: Record<string, "binary" | "text" | "file">;
  platform?: "browser" | "node" | "neutral";
  target?: string;
}

/** Bundles `entry` into an ES module; returns its path and size in bytes. */
export async function bundle(o: BundleOptions): Promise<{ path: string; bytes: number }> {
  await Deno.mkdir(OUT, { recursive: true });
  const outfile = new URL(o.outfile, OUT).pathname;
  await esbuild.build({
    entryPoints: [new URL(o.entry, ROOT).pathname],
    bundle: true,
    format: "esm",
    minify: o.minify ?? true,
    platform: o.platform ?? "neutral",
    target: o.target ?? "es2022",
    outfile,
    external: o.external,
    loader: o.loader,
    define: o.wasm ? { "globalThis.EDGETORCH_WASM": JSON.stringify(o.wasm) } : undefined,
    logLevel: "warning",
  });
  return { path: outfile, bytes: (await Deno.stat(outfile)).size };
}

/** Stops esbuild's service so that the process can exit. */
export async function stopBundler(): Promise<void> {
  await esbuild.stop();
}

/** The Deno CPU result of the scenario, the reference of every runtime check. */
export function denoReference(): Promise<ScenarioResult> {
  return runScenario(torch, "cpu");
}

/** Tolerances: the same build elsewhere (exact up to libm), the other wasm build, the GPU. */
export const TOL = {
  cpu: { rtol: 1e-5, atol: 1e-6 },
  gpu: { rtol: 1e-3, atol: 1e-5 },
} as const;

/** Prints a check's outcome and returns whether it passed. */
export function report(what: string, problems: string[]): boolean {
  if (problems.length === 0) {
    console.log(`ok    ${what}`);
    return true;
  }
  console.log(`FAIL  ${what}`);
  for (const p of problems.slice(0, 20)) console.log(`        ${p}`);
  return false;
}

/** Compares a runtime's scenario result (or its error) with the reference. */
export function checkScenario(
  what: string,
  got: ScenarioResult | { error: string } | undefined,
  want: ScenarioResult,
  tol: { rtol: number; atol: number },
): boolean {
  if (!got) return report(what, ["no result"]);
  if ("error" in got) return report(what, [got.error]);
  return report(what, compareScenario(got, want, tol.rtol, tol.atol));
}

/** The first command among `candidates` that runs with `--version`, or null. */
export async function findCommand(candidates: string[]): Promise<string | null> {
  for (const c of candidates) {
    try {
      const out = await new Deno.Command(c, { args: ["--version"], stdout: "null", stderr: "null" }).output();
      if (out.success) return c;
    } catch {
      // not installed there
    }
  }
  return null;
}

/** `--name value` from the command line, or `fallback`. */
export function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] !== undefined ? Deno.args[i + 1] : fallback;
}

/** Median of `xs`. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

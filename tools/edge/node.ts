/**
 * `deno task edge:node`: the library in Node. Node 22 imports the TypeScript source directly
 * (type stripping) and also runs `examples/train.ts`; Node 20, which has no type stripping and no
 * relaxed SIMD, imports an esbuild bundle of `mod.ts` (both wasm builds embedded: the relaxed-SIMD
 * probe must pick the plain one). Each runs the shared scenario, compared with Deno's CPU result.
 *
 *   deno task edge:node [--node22 PATH] [--node20 PATH]
 * (default: `node22`/`node20` on the PATH, else `node` when its major version matches)
 * @module
 */
import { bundle, checkScenario, denoReference, flag, OUT, report, ROOT, stopBundler, TOL } from "./common.ts";

async function nodeOfMajor(explicit: string, major: number): Promise<string | null> {
  for (const cmd of [explicit, `node${major}`, "node"]) {
    if (!cmd) continue;
    try {
      const out = await new Deno.Command(cmd, { args: ["--version"], stdout: "piped", stderr: "null" })
        .output();
      const v = new TextDecoder().decode(out.stdout).trim();
      if (out.success && v.startsWith(`v${major}.`)) return cmd;
    } catch {
      // not there
    }
  }
  return null;
}

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  const r = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
    cwd: new URL(".", ROOT).pathname,
  })
    .output();
  return { ok: r.success, out: new TextDecoder().decode(r.stdout), err: new TextDecoder().decode(r.stderr) };
}

if (import.meta.main) {
  const reference = await denoReference();
  let ok = true;
  const node22 = await nodeOfMajor(flag("node22", ""), 22);
  const node20 = await nodeOfMajor(flag("node20", ""), 20);

  const checkJs = await bundle({
    entry: "tests/edge/node_check.ts",
    outfile: "node/node_check.mjs",
    platform: "node",
    minify: false,
  });
  const lib = await bundle({ entry: "mod.ts", outfile: "node/edgetorch.mjs", platform: "node" });
  await stopBundler();

  if (!node22) ok = report("Node 22", ["no Node 22 found (npm install node@22; or --node22 PATH)"]) && ok;
  else {
    const r = await run(node22, [
      new URL("tests/edge/node_check.ts", ROOT).pathname,
      new URL("mod.ts", ROOT).pathname,
    ]);
    const line = r.out.trim().split("\n").at(-1) ?? "";
    if (!r.ok) {
      ok = report("Node 22 on the TypeScript source", [
        r.err.trim().split("\n").slice(0, 8).join("\n        "),
      ]) && ok;
    } else {
      const { node, variant, gpu, result } = JSON.parse(line);
      ok = checkScenario(
        `Node ${node} imports mod.ts (type stripping, ${variant} kernels): scenario equals Deno's CPU result`,
        result,
        reference,
        TOL.cpu,
      ) && ok;
      ok = report(
        `Node ${node}: torch.gpu.isAvailable() is false (no WebGPU)`,
        gpu === false ? [] : ["it said true"],
      ) && ok;
    }
    const out = new URL("node/train/", OUT).pathname;
    const t = await run(node22, [new URL("examples/train.ts", ROOT).pathname, "--out", out]);
    const acc = /test accuracy: ([\d.]+)%/.exec(t.out)?.[1];
    ok = report(
      `Node 22 runs examples/train.ts (test accuracy ${acc ?? "?"}%, saved and reloaded)`,
      t.ok ? [] : [(t.err || t.out).trim().split("\n").slice(-8).join("\n        ")],
    ) && ok;
  }

  if (!node20) ok = report("Node 20", ["no Node 20 found (--node20 PATH)"]) && ok;
  else {
    const r = await run(node20, [checkJs.path, lib.path]);
    if (!r.ok) {
      ok = report("Node 20 on the bundle", [r.err.trim().split("\n").slice(0, 8).join("\n        ")]) && ok;
    } else {
      const { node, variant, result } = JSON.parse(r.out.trim().split("\n").at(-1)!);
      ok = checkScenario(
        `Node ${node} imports the bundle (${
          (lib.bytes / 1024).toFixed(0)
        } KB, ${variant} kernels): scenario equals Deno's CPU result`,
        result,
        reference,
        TOL.cpu,
      ) && ok;
      ok = report(
        `Node ${node} picked the plain-SIMD build (no relaxed SIMD there)`,
        variant === "simd" ? [] : [`it picked ${variant}`],
      ) && ok;
    }
  }
  Deno.exit(ok ? 0 : 1);
}

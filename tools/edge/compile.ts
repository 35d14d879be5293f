/**
 * `deno task edge:compile`: `deno compile` of examples/train.ts into a single binary (the embedded
 * kernels and the digits data travel inside it), run from a scratch directory: it must train to
 * the example's 95%, save, reload and write its plot.
 *
 * `deno compile` builds on `denort`, a runtime binary it downloads from dl.deno.land (or takes
 * from `DENORT_BIN`). Where neither is available, as on machines that reach only the npm registry,
 * the check says so and is skipped (exit 0), unless `--require` is given.
 *
 *   deno task edge:compile [--require]
 * @module
 */
import { OUT, report, ROOT } from "./common.ts";

if (import.meta.main) {
  const dir = new URL("compile/", OUT).pathname;
  await Deno.mkdir(dir, { recursive: true });
  const exe = `${dir}train${Deno.build.os === "windows" ? ".exe" : ""}`;
  const c = await new Deno.Command(Deno.execPath(), {
    args: ["compile", "-A", "--output", exe, new URL("examples/train.ts", ROOT).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!c.success) {
    const err = new TextDecoder().decode(c.stderr).trim();
    if (
      /denort/.test(err) && /error sending request|dns error|Connect/.test(err) &&
      !Deno.args.includes("--require")
    ) {
      console.log(
        "SKIPPED deno compile examples/train.ts: deno compile needs the denort runtime, downloaded from " +
          "dl.deno.land, which this machine cannot reach (set DENORT_BIN to a denort binary to run the check)",
      );
      Deno.exit(0);
    }
    report("deno compile examples/train.ts", [err]);
    Deno.exit(1);
  }
  const size = (await Deno.stat(exe)).size;
  const t0 = performance.now();
  const r = await new Deno.Command(exe, {
    args: ["--out", `${dir}out`],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const out = new TextDecoder().decode(r.stdout);
  const acc = /test accuracy: ([\d.]+)%/.exec(out)?.[1];
  const ok = report(
    `deno compile examples/train.ts: a ${(size / 2 ** 20).toFixed(0)} MB binary that trains (test accuracy ${
      acc ?? "?"
    }%), saves and reloads in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    r.success && acc !== undefined && (await Deno.stat(`${dir}out/digits_mlp.safetensors`).catch(() => null))
      ? []
      : [(new TextDecoder().decode(r.stderr) || out).trim().split("\n").slice(-8).join("\n        ")],
  );
  Deno.exit(ok ? 0 : 1);
}

/**
 * Cold start: the time from `import` of `mod.ts` to the first result (`randn(64, 64).matmul(...)`,
 * then a read), each sample in a fresh process, medians per runtime. Also the whole process's
 * wall time and, for reference, that of an empty script in the same runtime.
 *
 *   deno run -A bench/cold_start.ts                       Deno and Bun, 9 processes each
 *   deno run -A bench/cold_start.ts --runs 15 --node PATH  also Node 22+ (type stripping) at PATH
 *   deno run -A bench/cold_start.ts --root /tmp/before     also another checkout, alternating
 *   deno run -A bench/cold_start.ts --bundle               also dist/mod.js (deno task build:bundle)
 *   deno run -A bench/cold_start.ts --entry /tmp/b/dist/mod.js  also that module (e.g. another bundle)
 *   deno run -A bench/cold_start.ts --runs 1 --max-ms 1000 a smoke check (CI)
 *
 * With several `--root`s the processes alternate between them, so that a before/after comparison
 * sees the same machine load. `--max-ms N` fails when a median exceeds N.
 * @module
 */
import process from "node:process";

/** What one child process measured, in milliseconds. */
interface Sample {
  import: number;
  first: number;
  total: number;
}

// ---- child: `cold_start.ts --child <module URL>` -----------------------------------------------

async function child(entry: string): Promise<void> {
  const t0 = performance.now();
  const torch = await import(entry) as typeof import("../mod.ts");
  const t1 = performance.now();
  const a = torch.randn(64, 64);
  const value = a.matmul(a).sum().item();
  const t2 = performance.now();
  if (!Number.isFinite(value)) throw new Error(`cold start: non-finite result ${value}`);
  console.log(JSON.stringify({ import: t1 - t0, first: t2 - t1, total: t2 - t0 } satisfies Sample));
}

// ---- parent ---------------------------------------------------------------------------------------

function argValues(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === `--${name}` && process.argv[i + 1] !== undefined) out.push(process.argv[i + 1]);
  });
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Runtime {
  name: string;
  cmd: string;
  args: (script: string, rest: string[]) => string[];
}

async function which(cmd: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args: ["--version"], stdout: "null", stderr: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

async function spawn(rt: Runtime, script: string, rest: string[]): Promise<{ out: string; wall: number }> {
  const t0 = performance.now();
  const r = await new Deno.Command(rt.cmd, { args: rt.args(script, rest), stdout: "piped", stderr: "piped" })
    .output();
  const wall = performance.now() - t0;
  const out = new TextDecoder().decode(r.stdout).trim();
  if (!r.success) {
    throw new Error(`${rt.name} ${script} failed:\n${out}\n${new TextDecoder().decode(r.stderr)}`);
  }
  return { out, wall };
}

async function parent(): Promise<void> {
  const runs = Number(argValues("runs")[0] ?? "9");
  const maxMs = argValues("max-ms").map(Number)[0];
  const here = new URL("../", import.meta.url).href;
  // Module URLs to import: mod.ts of this checkout and of each --root, and with --bundle this
  // checkout's dist/mod.js (`deno task build:bundle`).
  const roots = [
    here,
    ...argValues("root").map((r) => new URL(r.endsWith("/") ? r : r + "/", "file:///").href),
  ].map((r) => new URL("mod.ts", r).href);
  if (process.argv.includes("--bundle")) roots.push(new URL("dist/mod.js", here).href);
  roots.push(...argValues("entry").map((p) => new URL(p, "file:///").href));
  const self = new URL(import.meta.url).pathname;
  const empty = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(empty, "console.log(1);\n");

  const runtimes: Runtime[] = [
    { name: "deno", cmd: Deno.execPath(), args: (s, rest) => ["run", "-A", s, ...rest] },
  ];
  if (await which("bun")) runtimes.push({ name: "bun", cmd: "bun", args: (s, rest) => [s, ...rest] });
  else console.log("bun: not installed, skipped");
  for (const node of argValues("node")) {
    runtimes.push({
      name: "node",
      cmd: node,
      args: (s, rest) => ["--experimental-strip-types", "--no-warnings", s, ...rest],
    });
  }

  console.log(`import of mod.ts to the first result, median of ${runs} fresh processes per row (ms)`);
  console.log("| runtime | entry | import | first op + read | total | process wall | empty script wall |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
  let worst = 0;
  for (const rt of runtimes) {
    await spawn(rt, self, ["--child", roots[0]]); // warm the runtime's compile caches
    const samples = roots.map(() => [] as Sample[]);
    const walls = roots.map(() => [] as number[]);
    const failures = roots.map(() => "");
    const emptyWalls: number[] = [];
    for (let i = 0; i < runs; i++) {
      for (let r = 0; r < roots.length; r++) {
        if (failures[r]) continue;
        try {
          const { out, wall } = await spawn(rt, self, ["--child", roots[r]]);
          samples[r].push(JSON.parse(out.split("\n").at(-1)!));
          walls[r].push(wall);
        } catch (e) {
          // A checkout this runtime cannot load (e.g. Node before the type-stripping fixes).
          if (r === 0) throw e;
          failures[r] = (e as Error).message.split("\n").find((l) => /Error/.test(l))?.trim() ?? "failed";
        }
      }
      emptyWalls.push((await spawn(rt, empty, [])).wall);
    }
    roots.forEach((root, r) => {
      const s = samples[r];
      if (failures[r]) {
        console.log(
          `| ${rt.name} | ${new URL(root).pathname} | fails: ${failures[r].slice(0, 80)} | | | | |`,
        );
        return;
      }
      const total = median(s.map((x) => x.total));
      worst = Math.max(worst, total);
      console.log(
        `| ${rt.name} | ${root.startsWith(here) ? root.slice(here.length) : new URL(root).pathname} | ${
          median(s.map((x) => x.import)).toFixed(1)
        } | ${median(s.map((x) => x.first)).toFixed(1)} | ${total.toFixed(1)} | ${
          median(walls[r]).toFixed(0)
        } | ${median(emptyWalls).toFixed(0)} |`,
      );
    });
  }
  await Deno.remove(empty);
  if (maxMs !== undefined && worst > maxMs) {
    console.error(`cold start: a median of ${worst.toFixed(1)} ms exceeds --max-ms ${maxMs}`);
    process.exit(1);
  }
}

const childAt = process.argv.indexOf("--child");
if (childAt >= 0) await child(process.argv[childAt + 1]);
else await parent();

/**
 * `deno task fixtures`: regenerates every golden fixture under tests/fixtures/ by running each
 * PyTorch script in tools/fixtures/ (`deno task fixtures ops_fixtures nn_fixtures` runs only
 * those). The interpreter is `/usr/bin/python3` (the one with PyTorch 1.13 here), or `$PYTHON`.
 * Without PyTorch it stops before running anything and says how to get it. Afterwards,
 * `git status tests/fixtures` shows what changed: the scripts append new cases so that existing
 * ones stay byte-identical.
 *
 * @module
 */

/** The fixture scripts to run: every `tools/fixtures/*.py`, or those named (with or without `.py`). */
export function selectScripts(all: readonly string[], wanted: readonly string[]): string[] {
  const sorted = [...all].filter((f) => f.endsWith(".py")).sort();
  if (wanted.length === 0) return sorted;
  return wanted.map((w) => {
    const name = w.replace(/^.*\//, "").replace(/\.py$/, "") + ".py";
    if (!sorted.includes(name)) {
      throw new Error(
        `fixtures: no script ${JSON.stringify(w)} in tools/fixtures/ (have ${sorted.join(", ")})`,
      );
    }
    return name;
  });
}

/** The message printed when `python` cannot import torch. */
export function missingTorchMessage(python: string, detail: string): string {
  return `fixtures: ${python} cannot import torch (${detail.trim() || "no output"}).\n` +
    `The golden fixtures are generated with PyTorch 1.13: install it (Debian: apt-get install ` +
    `python3-torch) or point $PYTHON at an interpreter that has it. The tests themselves do not need Python.`;
}

async function run(cmd: string, args: string[], cwd: string): Promise<Deno.CommandOutput> {
  const env = { PATH: `${Deno.execPath().replace(/\/[^/]*$/, "")}:${Deno.env.get("PATH") ?? ""}` };
  return await new Deno.Command(cmd, { args, cwd, env, stdout: "inherit", stderr: "inherit" }).output();
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname;
  const dir = new URL("./fixtures/", import.meta.url).pathname;
  const python = Deno.env.get("PYTHON") ?? "/usr/bin/python3";
  const names = [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => e.name);
  let scripts: string[];
  try {
    scripts = selectScripts(names, Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(2);
  }

  let probe: Deno.CommandOutput;
  try {
    probe = await new Deno.Command(python, {
      args: ["-c", "import torch; print(torch.__version__)"],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    console.error(missingTorchMessage(python, e instanceof Error ? e.message : String(e)));
    Deno.exit(2);
  }
  const out = new TextDecoder().decode(probe.stdout).trim();
  if (!probe.success) {
    const err = new TextDecoder().decode(probe.stderr).trim().split("\n").at(-1) ?? "";
    console.error(missingTorchMessage(python, err));
    Deno.exit(2);
  }
  console.log(`fixtures: ${python} with torch ${out}; ${scripts.length} scripts`);
  for (const script of scripts) {
    const t0 = performance.now();
    console.log(`fixtures: ${script}`);
    const status = await run(python, [`${dir}${script}`], root);
    if (!status.success) {
      console.error(`fixtures: ${script} failed (exit code ${status.code})`);
      Deno.exit(status.code || 1);
    }
    console.log(`fixtures: ${script} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  console.log("fixtures: done; `git status tests/fixtures` shows what changed");
}

/**
 * The README's code: every fenced block is `ts` (type-checked and run by `deno test --doc README.md`,
 * part of `deno task test`) or `sh`; the ported program prints what its PyTorch original prints
 * (tools/fixtures/readme_port.py); and the class in the "Coming from PyTorch" table is written as
 * `deno check` accepts it (with `override`).
 */
import { assert } from "./helpers.ts";

const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
const fixture = JSON.parse(await Deno.readTextFile(new URL("./fixtures/readme_port.json", import.meta.url)));

/** The fenced blocks: their info strings and bodies. */
function blocks(md: string): { info: string; body: string }[] {
  return [...md.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: m[1].trim(), body: m[2] }));
}

Deno.test("README: every code block is checked TypeScript, a command, a config file or a Workers entry", () => {
  const found = blocks(readme);
  assert.ok(found.length >= 4, `found ${found.length} code blocks`);
  for (const b of found) {
    if (b.info === "ts" || b.info === "sh" || b.info === "toml") continue; // code, commands, config
    // A Workers entry imports a .wasm file as a module, which only Workers do (Deno cannot run
    // it): shown as `js ignore`, it may only import that module and names the checked ts blocks
    // define, and `deno task edge:workerd` runs the same pattern (examples/worker/index.js).
    const imports = [...b.body.matchAll(/^import (\w+|\{[^}]*\}) from "([^"]+)";$/gm)];
    const wasm = imports.filter((m) => m[2].endsWith(".wasm"));
    const others = imports.filter((m) => !m[2].endsWith(".wasm"));
    const defined = others.every((m) =>
      m[1].replace(/[{}]/g, "").split(",").every((name) =>
        found.some((t) => t.info === "ts" && t.body.includes(`export function ${name.trim()}(`))
      )
    );
    assert.ok(
      b.info === "js ignore" && wasm.length === 1 && defined,
      `a README block is tagged "${b.info}" (use ts, checked, sh or toml; only a Workers entry may be js ignore)`,
    );
  }
});

Deno.test("README: the ported program prints what the PyTorch original prints", async () => {
  const block = blocks(readme).find((b) => b.body.includes("class Net extends nn.Module"));
  assert.ok(block, "the ported program block");
  const code = block.body.replaceAll(
    '"./mod.ts"',
    JSON.stringify(new URL("../mod.ts", import.meta.url).href),
  );
  const out = await new Deno.Command(Deno.execPath(), { args: ["eval", "--ext=ts", code], stderr: "piped" })
    .output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.deepEqual(new TextDecoder().decode(out.stdout).trim().split("\n"), fixture.output);
});

Deno.test("README: the table's Module subclass is written with override, as deno check requires", () => {
  const cells = [...readme.matchAll(/`(class \w+ extends nn\.Module \{[^`]*)`/g)].map((m) => m[1]);
  assert.ok(cells.length > 0);
  for (const c of cells) assert.match(c, /override forward\(/, c);
});

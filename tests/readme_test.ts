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

Deno.test("README: every code block is checked TypeScript or a shell command", () => {
  const found = blocks(readme);
  assert.ok(found.length >= 4, `found ${found.length} code blocks`);
  for (const b of found) {
    assert.ok(
      b.info === "ts" || b.info === "sh",
      `a README block is tagged "${b.info}" (use ts, checked, or sh)`,
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

/**
 * The generated docs (`deno doc`, which JSR's pages come from) list every runtime member of the
 * namespaces mod.ts exports. `deno doc` shows a namespace's members only when they are reached
 * through `export *` from the file that declares them: a named re-export such as
 * `export { conv2d } from "./conv.ts"` inside `export * as F` is silently left out (48 of F's 71
 * functions once were). A new member added that way fails here.
 *
 * `nn`, `optim` and `data` are package entry points of their own (`@edgetorch/torch/nn`, ...),
 * where named re-exports are listed: they are checked on those pages.
 */
import * as torch from "../mod.ts";
import { assert } from "./helpers.ts";

interface DocSymbol {
  name: string;
  declarations: { kind: string; def?: { elements?: { name: string }[] } }[];
}

/** The symbols `deno doc` documents for `file` (relative to the repository root). */
async function documented(file: string): Promise<DocSymbol[]> {
  const url = new URL(`../${file}`, import.meta.url);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", url.pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, `deno doc ${file}: ${new TextDecoder().decode(out.stderr)}`);
  const doc = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    nodes: Record<string, { symbols: DocSymbol[] }>;
  };
  return doc.nodes[url.href].symbols;
}

/** Runtime members of `value` missing from `names`. */
function missing(value: unknown, names: Iterable<string>): string[] {
  const have = new Set(names);
  return Object.keys(value as object).filter((k) => !have.has(k));
}

const OWN_ENTRY: Record<string, string> = {
  nn: "src/nn/mod.ts",
  optim: "src/optim/mod.ts",
  data: "src/data/mod.ts",
};

Deno.test("docs: every runtime member of mod.ts's namespaces is in the generated docs", async () => {
  const namespaces = (await documented("mod.ts")).filter((s) =>
    s.declarations.some((d) => d.kind === "namespace")
  );
  const names = namespaces.map((n) => n.name);
  for (const expected of ["F", "functional", "autograd", "amp", "gpu", "cpu", ...Object.keys(OWN_ENTRY)]) {
    assert.ok(names.includes(expected), `namespace ${expected} is documented (found ${names})`);
  }
  assert.ok(names.includes("linalg"), `namespace linalg is documented (found ${names})`);
  const problems: string[] = [];
  for (const ns of namespaces) {
    const value = (torch as unknown as Record<string, unknown>)[ns.name];
    if (ns.name in OWN_ENTRY) continue;
    const gap = missing(value, ns.declarations.flatMap((d) => d.def?.elements?.map((e) => e.name) ?? []));
    if (gap.length > 0) problems.push(`${ns.name}: ${gap.join(", ")}`);
  }
  for (const [name, file] of Object.entries(OWN_ENTRY)) {
    const value = (torch as unknown as Record<string, unknown>)[name];
    const gap = missing(value, (await documented(file)).map((s) => s.name));
    if (gap.length > 0) problems.push(`${name} (${file}): ${gap.join(", ")}`);
  }
  assert.deepEqual(problems, [], "members missing from the generated docs");
});

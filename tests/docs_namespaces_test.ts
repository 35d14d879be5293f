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
  const expectedNamespaces = ["F", "functional", "autograd", "amp", "gpu", "cpu", "distributions", "special"];
  for (const expected of [...expectedNamespaces, ...Object.keys(OWN_ENTRY)]) {
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

Deno.test("docs: optim.lrScheduler documents every scheduler and nothing internal", async () => {
  const optim = (await documented("src/optim/mod.ts")).find((s) => s.name === "lrScheduler");
  assert.ok(optim, "optim.lrScheduler is documented");
  const names = optim.declarations.flatMap((d) => d.def?.elements?.map((e) => e.name) ?? []);
  const runtime = torch.optim.lrScheduler as unknown as Record<string, unknown>;
  assert.deepEqual(missing(runtime, names), [], "runtime members missing from the docs");
  for (const name of ["StepLR", "OneCycleLR", "ReduceLROnPlateau", "LRScheduler", "StepLROptions"]) {
    assert.ok(names.includes(name), `${name} is documented under lrScheduler`);
  }
  for (
    const internal of ["checkOptimizer", "checkOptions", "need", "perGroup", "copyValue", "isPositiveInt"]
  ) {
    assert.ok(!names.includes(internal) && !(internal in runtime), `${internal} stays out of lrScheduler`);
  }
  const direct = torch.optim as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(runtime)) {
    assert.equal(v, direct[k], `optim.lrScheduler.${k} is optim.${k}`);
  }
});

Deno.test("docs: distributions.transforms and distributions.constraints document every member", async () => {
  const symbols = await documented("src/distributions/mod.ts");
  for (const name of ["transforms", "constraints"]) {
    const ns = symbols.find((s) => s.name === name && s.declarations.some((d) => d.kind === "namespace"));
    assert.ok(ns, `distributions.${name} is documented`);
    const names = ns.declarations.flatMap((d) => d.def?.elements?.map((e) => e.name) ?? []);
    const runtime = (torch.distributions as unknown as Record<string, unknown>)[name];
    assert.deepEqual(
      missing(runtime, names),
      [],
      `distributions.${name}: runtime members missing from the docs`,
    );
  }
  const transforms = symbols.find((s) => s.name === "transforms")!.declarations.flatMap((d) =>
    d.def?.elements?.map((e) => e.name) ?? []
  );
  for (const name of ["ExpTransform", "AffineTransform", "StickBreakingTransform", "ComposeTransform"]) {
    assert.ok(transforms.includes(name), `${name} is documented under distributions.transforms`);
  }
});

/** nn.utils's namespaces (nn.utils.rnn, nn.utils.parametrize, ...), each with what it must hold. */
const NN_UTILS_NAMESPACES: Record<string, string[]> = {
  rnn: ["padSequence", "PackedSequence"],
  parametrize: [
    "registerParametrization",
    "removeParametrizations",
    "isParametrized",
    "cached",
    "ParametrizationList",
    "typeBeforeParametrizations",
    "transferParametrizationsAndParams",
  ],
  parametrizations: ["orthogonal", "spectralNorm", "Orthogonal", "SpectralNorm"],
  stateless: ["functionalCall"],
  fusion: ["fuseConvBnEval", "fuseConvBnWeights", "fuseLinearBnEval", "fuseLinearBnWeights"],
};

Deno.test("docs: nn.utils's namespaces document every member", async () => {
  const symbols = await documented("src/nn/utils.ts");
  const utils = torch.nn.utils as unknown as Record<string, unknown>;
  for (const [name, required] of Object.entries(NN_UTILS_NAMESPACES)) {
    const ns = symbols.find((s) => s.name === name && s.declarations.some((d) => d.kind === "namespace"));
    assert.ok(ns, `nn.utils.${name} is documented`);
    const names = ns.declarations.flatMap((d) => d.def?.elements?.map((e) => e.name) ?? []);
    assert.deepEqual(
      missing(utils[name], names),
      [],
      `nn.utils.${name}: runtime members missing from the docs`,
    );
    for (const r of required) assert.ok(names.includes(r), `${r} is documented under nn.utils.${name}`);
  }
  assert.ok(symbols.some((s) => s.name === "skipInit"), "nn.utils.skipInit is documented");
});

/**
 * Embeds the WGSL kernels of `wgsl/` in `src/backends/webgpu/kernels.generated.ts`, one string
 * per file prelude and per kernel section, with a table listing the pieces of each kernel's module.
 *
 * A `.wgsl` file is an op family (the CPU's `assembly/<family>.ts`, the launchers'
 * `src/backends/{wasm,webgpu}/<family>.ts`): a prelude followed by sections, each opened by a
 * `//! kernel: <name>` line; a kernel's text is the file's included helpers, its prelude and its
 * section. A `//! snippet: <name>` section is a fragment, not a kernel: the text one of the file's
 * kernels takes for a placeholder in some of its variants (`pipelines.ts`'s
 * `wgslSnippet("<family>.<name>")`), so that no WGSL is written in TypeScript strings. `//! include:
 * <file>` in a prelude pulls in another `.wgsl` file that has no sections (shared helpers, such
 * as `math.wgsl`). Kernels may hold `{{NAME}}` placeholders that `src/backends/webgpu/pipelines.ts`
 * fills from the library's own tables (never from user data).
 *
 * Kernel names follow the CPU kernels' export names (`assembly/index.ts`): a kernel is named after
 * the op it computes, `<op>` or `<op>_<part>`, where `<op>` is the `Backend` method (and wasm
 * export prefix: `softmax_f32` is `softmax`, `maxPool2d_f32` is `maxPool2d`) and `_<part>` names
 * a variant or one pass of a multi-pass op (`matmul_tiled`, `cumsum_carry`, `argsort_step`); a
 * kernel that serves no single op is named in snake_case for what it does (`first_bad_index`,
 * `error_value`). There is no dtype suffix: every GPU element is one 32-bit word, and a kernel is
 * specialised for its types through placeholders; only where WGSL reserves the op's name (`cast`,
 * `where`) does the kernel take the element width suffix of its wasm twin (`cast_x32`,
 * `where_x32`). Names are unique over `wgsl/` (the name alone
 * finds the kernel, its launcher and its CPU twin), and each is the kernel's WGSL entry point: its
 * section declares `@compute ... fn <name>(`. The generated keys are the kernel names (the keys of
 * the `wgslOverrides` option and of error messages), `"<family>.<name>"` for snippets and
 * `"<family>.wgsl"` for preludes.
 *
 * A kernel that needs a WGSL extension says so on a `//! enable: <extension>` line in its section
 * (today only `f16`, which needs the device feature `shader-f16`): its module then starts with
 * `enable <extension>;` (the generated part `"enable.<extension>"`), and `KERNEL_FEATURES` lists
 * the device features it needs, so that the backend compiles it only on a device that has them
 * (a device without `shader-f16` never sees `enable f16;`). Such kernels are variants of an op
 * for that feature and carry it in their name (`matmul_f16`, `matmul_f16_pack`).
 *
 *   deno run -A tools/build_wgsl.ts           regenerate the module
 *   deno run -A tools/build_wgsl.ts --check   fail if the module is stale (source hash)
 * @module
 */

const ROOT = new URL("../", import.meta.url);
const WGSL_DIR = new URL("wgsl/", ROOT);
const OUT = new URL("src/backends/webgpu/kernels.generated.ts", ROOT);
const OUT_NAME = "src/backends/webgpu/kernels.generated.ts";
import { generatedHeader, readHeaderHash } from "./generated.ts";

interface Source {
  name: string;
  text: string;
}

/** Sorted `wgsl/*.wgsl` sources, with line endings normalised. */
async function readSources(): Promise<Source[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(WGSL_DIR)) {
    if (e.isFile && e.name.endsWith(".wgsl")) names.push(e.name);
  }
  names.sort();
  return await Promise.all(names.map(async (name) => ({
    name,
    text: (await Deno.readTextFile(new URL(name, WGSL_DIR))).replaceAll("\r\n", "\n"),
  })));
}

async function sourceHash(sources: Source[]): Promise<string> {
  let all = "";
  for (const s of sources) all += `file:${s.name}\n${s.text}\n`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(all));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

const KERNEL_RE = /^\/\/! kernel: ([a-z][A-Za-z0-9_]*)\s*$/;
const INCLUDE_RE = /^\/\/! include: ([a-z0-9_]+)\s*$/;
const SNIPPET_RE = /^\/\/! snippet: ([a-z0-9_]+)\s*$/;
const ENABLE_RE = /^\/\/! enable: ([a-z0-9_]+)\s*$/;
/** The WGSL extensions a kernel may enable, and the device feature each needs. */
const EXTENSION_FEATURES: Readonly<Record<string, string>> = { f16: "shader-f16" };

interface Parsed {
  family: string;
  includes: string[];
  prelude: string;
  kernels: { name: string; text: string; snippet: boolean; enables: string[] }[];
}

function parse(s: Source): Parsed {
  const family = s.name.slice(0, -".wgsl".length);
  const includes: string[] = [];
  const prelude: string[] = [];
  const kernels: { name: string; lines: string[]; snippet: boolean; enables: string[] }[] = [];
  for (const line of s.text.split("\n")) {
    const k = KERNEL_RE.exec(line) ?? SNIPPET_RE.exec(line);
    if (k) {
      if (kernels.some((x) => x.name === k[1])) throw new Error(`${s.name}: section ${k[1]} defined twice`);
      kernels.push({ name: k[1], lines: [], snippet: line.startsWith("//! snippet:"), enables: [] });
      continue;
    }
    const en = ENABLE_RE.exec(line);
    if (en) {
      const current = kernels[kernels.length - 1];
      if (!current || current.snippet) {
        throw new Error(`${s.name}: //! enable belongs in a kernel section, got ${JSON.stringify(line)}`);
      }
      if (!(en[1] in EXTENSION_FEATURES)) {
        throw new Error(
          `${s.name}: kernel ${current.name} enables ${en[1]}, not one of ${Object.keys(EXTENSION_FEATURES)}`,
        );
      }
      current.enables.push(en[1]);
      continue;
    }
    const inc = INCLUDE_RE.exec(line);
    if (inc) {
      if (kernels.length > 0) throw new Error(`${s.name}: //! include must come before the first kernel`);
      includes.push(inc[1]);
      continue;
    }
    if (line.startsWith("//!")) throw new Error(`${s.name}: unknown directive ${JSON.stringify(line)}`);
    if (kernels.length > 0) kernels[kernels.length - 1].lines.push(line);
    else prelude.push(line);
  }
  return {
    family,
    includes,
    prelude: prelude.join("\n").trim(),
    kernels: kernels.map((k) => ({
      name: k.name,
      text: k.lines.join("\n").trim(),
      snippet: k.snippet,
      enables: k.enables,
    })),
  };
}

function escapeTemplate(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("`", "\\`").replaceAll("${", "\\${");
}

function moduleText(sources: Source[], hash: string): string {
  const parsed = sources.map(parse);
  const byFamily = new Map(parsed.map((p) => [p.family, p]));
  const parts: string[] = [];
  const kernels: string[] = [];
  const snippets: string[] = [];
  const kernelFile = new Map<string, string>();
  const features: string[] = [];
  const enabled = new Set<string>();
  const part = (key: string, text: string) => {
    // Each text starts on its own line, so the formatter leaves the entries alone.
    parts.push(`  "${key}": \`\n${escapeTemplate(text)}\n\`,`);
  };
  for (const p of parsed) {
    for (const inc of p.includes) {
      const lib = byFamily.get(inc);
      if (!lib) throw new Error(`${p.family}.wgsl includes ${inc}.wgsl, which does not exist`);
      if (lib.kernels.length > 0 || lib.includes.length > 0) {
        throw new Error(`${inc}.wgsl is included, so it must have no kernels and no includes`);
      }
    }
    const prelude = `${p.family}.wgsl`;
    if (p.prelude.length > 0) part(prelude, p.prelude);
    for (const k of p.kernels) {
      if (k.snippet) {
        part(`${p.family}.${k.name}`, k.text);
        snippets.push(`  "${p.family}.${k.name}",`);
        continue;
      }
      const other = kernelFile.get(k.name);
      if (other) throw new Error(`${p.family}.wgsl: kernel ${k.name} is also defined in ${other}`);
      kernelFile.set(k.name, `${p.family}.wgsl`);
      if (!new RegExp(`@compute\\s+@workgroup_size\\([^)]*\\)\\s*fn ${k.name}\\s*\\(`).test(k.text)) {
        throw new Error(
          `${p.family}.wgsl: kernel ${k.name} must declare its entry point @compute ... fn ${k.name}(`,
        );
      }
      part(k.name, k.text);
      for (const e of k.enables) {
        if (!enabled.has(e)) part(`enable.${e}`, `enable ${e};`);
        enabled.add(e);
      }
      if (k.enables.length > 0) {
        const list = k.enables.map((e) => `"${EXTENSION_FEATURES[e]}"`).join(", ");
        features.push(`  "${k.name}": [${list}],`);
      }
      const pieces = [
        ...k.enables.map((e) => `enable.${e}`),
        ...p.includes.map((i) => `${i}.wgsl`),
        ...(p.prelude.length > 0 ? [prelude] : []),
        k.name,
      ];
      kernels.push(`  "${k.name}": [${pieces.map((x) => `"${x}"`).join(", ")}],`);
    }
  }
  return `${generatedHeader("tools/build_wgsl.ts", hash)}
/**
 * Text of each wgsl/ file's prelude ("<family>.wgsl"), of each kernel section (its name, which is
 * also its entry point) and of each snippet section ("<family>.<name>").
 */
export const WGSL_PARTS: Readonly<Record<string, string>> = {
${parts.join("\n")}
};

/** The parts that make up each kernel's module, in order (includes, prelude, section). */
export const KERNELS: Readonly<Record<string, readonly string[]>> = {
${kernels.join("\n")}
};

/** The snippet sections: fragments that fill kernels' placeholders, never compiled alone. */
export const SNIPPETS: readonly string[] = [
${snippets.join("\n")}
];

/**
 * The device features each kernel that enables a WGSL extension needs (\`//! enable:\` lines);
 * kernels not listed need none.
 */
export const KERNEL_FEATURES: Readonly<Record<string, readonly string[]>> = {
${features.join("\n")}
};
`;
}

async function main(): Promise<void> {
  const check = Deno.args.includes("--check");
  const sources = await readSources();
  if (sources.length === 0) throw new Error("no sources in wgsl/");
  const hash = await sourceHash(sources);
  if (check) {
    const have = await readHeaderHash(OUT, "tools/build_wgsl.ts");
    if (have !== hash) {
      console.error(
        `${OUT_NAME} is ${have === null ? "missing or malformed" : "stale"} (source hash ${
          hash.slice(0, 12)
        }…, recorded ${have?.slice(0, 12) ?? "none"}…): run deno run -A tools/build_wgsl.ts`,
      );
      Deno.exit(1);
    }
    console.log("wgsl kernels are up to date");
    return;
  }
  const text = moduleText(sources, hash);
  await Deno.writeTextFile(OUT, text);
  const table = text.slice(text.indexOf("export const KERNELS"), text.indexOf("export const SNIPPETS"));
  const count = (table.match(/^ {2}"[A-Za-z0-9_]+": \[/gm) ?? []).length;
  console.log(`${OUT_NAME}: ${count} kernels, ${text.length} bytes, hash ${hash.slice(0, 12)}…`);
}

if (import.meta.main) await main();

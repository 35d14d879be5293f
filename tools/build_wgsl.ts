/**
 * Embeds the WGSL kernels of `wgsl/` in `src/backends/webgpu/kernels.generated.ts`, one string
 * per file prelude and per kernel section, with a table listing the pieces of each kernel's module,
 * keyed `"<family>.<kernel>"` (the file name without `.wgsl`, then the section name).
 *
 * A `.wgsl` file is a prelude followed by sections, each opened by a `//! kernel: <name>` line;
 * a kernel's text is the file's included helpers, its prelude and its section. A `//! snippet:
 * <name>` section is a fragment, not a kernel: the text one of the file's kernels takes for a
 * placeholder in some of its variants (`pipelines.ts`'s `wgslSnippet("<family>.<name>")`), so
 * that no WGSL is written in TypeScript strings. `//! include:
 * <file>` in a prelude pulls in another `.wgsl` file that has no sections (shared helpers, such
 * as `math.wgsl`). Kernels may hold `{{NAME}}` placeholders that `src/backends/webgpu/pipelines.ts`
 * fills from the library's own tables (never from user data).
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

const KERNEL_RE = /^\/\/! kernel: ([a-z0-9_]+)\s*$/;
const INCLUDE_RE = /^\/\/! include: ([a-z0-9_]+)\s*$/;
const SNIPPET_RE = /^\/\/! snippet: ([a-z0-9_]+)\s*$/;

interface Parsed {
  family: string;
  includes: string[];
  prelude: string;
  kernels: { name: string; text: string; snippet: boolean }[];
}

function parse(s: Source): Parsed {
  const family = s.name.slice(0, -".wgsl".length);
  const includes: string[] = [];
  const prelude: string[] = [];
  const kernels: { name: string; lines: string[]; snippet: boolean }[] = [];
  for (const line of s.text.split("\n")) {
    const k = KERNEL_RE.exec(line) ?? SNIPPET_RE.exec(line);
    if (k) {
      if (kernels.some((x) => x.name === k[1])) throw new Error(`${s.name}: section ${k[1]} defined twice`);
      kernels.push({ name: k[1], lines: [], snippet: line.startsWith("//! snippet:") });
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
    kernels: kernels.map((k) => ({ name: k.name, text: k.lines.join("\n").trim(), snippet: k.snippet })),
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
    if (p.prelude.length > 0) part(p.family, p.prelude);
    for (const k of p.kernels) {
      const key = `${p.family}.${k.name}`;
      part(key, k.text);
      if (k.snippet) continue;
      const pieces = [...p.includes, ...(p.prelude.length > 0 ? [p.family] : []), key];
      kernels.push(`  "${key}": [${pieces.map((x) => `"${x}"`).join(", ")}],`);
    }
  }
  return `${generatedHeader("tools/build_wgsl.ts", hash)}
/**
 * Text of each wgsl/ file's prelude ("<family>") and of each kernel or snippet section
 * ("<family>.<name>").
 */
export const WGSL_PARTS: Readonly<Record<string, string>> = {
${parts.join("\n")}
};

/** The parts that make up each kernel's module, in order (includes, prelude, section). */
export const KERNELS: Readonly<Record<string, readonly string[]>> = {
${kernels.join("\n")}
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
  const count = (text.match(/^ {2}"[a-z0-9_]+\.[a-z0-9_]+": \[/gm) ?? []).length;
  console.log(`${OUT_NAME}: ${count} kernels, ${text.length} bytes, hash ${hash.slice(0, 12)}…`);
}

if (import.meta.main) await main();

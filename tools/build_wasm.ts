// deno-lint-ignore-file no-import-prefix
/**
 * Compiles the AssemblyScript kernels in `assembly/` to two WebAssembly modules (relaxed SIMD and
 * plain SIMD). For each variant it writes, under `src/backends/wasm/`:
 * - `kernels_<variant>.wasm`: the module, shipped for runtimes that import `.wasm` files
 *   (Cloudflare Workers) or fetch them (browsers);
 * - `kernels_<variant>.generated.js`: the same bytes as base64 (a `.js` module typed by
 *   `kernels_base64.d.ts`: Deno loads plain JavaScript faster than TypeScript, whose emit carries
 *   an inline source map as large as the string);
 * and `kernels_info.generated.ts`, the hash of the sources. Every module carries an `edgetorch`
 * custom section (JSON: variant and source hash) so that a module handed to `torch.init` is
 * recognised, and one from another build is refused. Each generated module records a hash of
 * the sources and flags.
 *
 *   deno run -A tools/build_wasm.ts           rebuild everything
 *   deno run -A tools/build_wasm.ts --check   fail if anything is stale (hashes; the .wasm files
 *                                             must equal the embedded bytes; no compile)
 * @module
 */
import { generatedHeader, readHeaderHash } from "./generated.ts";
import { decodeBase64 } from "../src/backends/wasm/base64.ts";

const ROOT = new URL("../", import.meta.url);
const ASSEMBLY = new URL("assembly/", ROOT);
const OUT_DIR = new URL("src/backends/wasm/", ROOT);
const COMPILER = "assemblyscript@0.28.20";
/** The custom section naming a module's variant and sources (read by src/backends/wasm/loader.ts). */
const SECTION = "edgetorch";
const INFO_FILE = "kernels_info.generated.ts";

const COMMON_FLAGS = [
  "-O3",
  "--converge",
  "--runtime",
  "stub",
  "--noAssert",
  "--initialMemory",
  "1",
  // The memory is imported (the backend makes it: shared where threads run, see
  // src/backends/wasm/threads.ts), unshared in the build, with the wasm32 maximum.
  "--importMemory",
  "--maximumMemory",
  "65536",
  "--enable",
  "simd",
];

interface Variant {
  name: "relaxed" | "simd";
  /** The base64 module. */
  file: string;
  /** The binary shipped beside it. */
  wasmFile: string;
  flags: string[];
}

const VARIANTS: Variant[] = [
  {
    name: "relaxed",
    file: "kernels_relaxed.generated.js",
    wasmFile: "kernels_relaxed.wasm",
    flags: [...COMMON_FLAGS, "--enable", "relaxed-simd"],
  },
  { name: "simd", file: "kernels_simd.generated.js", wasmFile: "kernels_simd.wasm", flags: COMMON_FLAGS },
];

/** Sorted `assembly/*.ts` sources, with line endings normalised. */
async function readSources(): Promise<{ name: string; text: string }[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(ASSEMBLY)) {
    if (e.isFile && e.name.endsWith(".ts")) names.push(e.name);
  }
  names.sort();
  return await Promise.all(names.map(async (name) => ({
    name,
    text: (await Deno.readTextFile(new URL(name, ASSEMBLY))).replaceAll("\r\n", "\n"),
  })));
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Hash of the sources and compiler, the same for both variants (what the custom section records). */
function sourcesText(sources: { name: string; text: string }[]): string {
  let all = "";
  for (const s of sources) all += `file:${s.name}\n${s.text}\n`;
  return all + `compiler:${COMPILER}\n`;
}

/** Hash of one variant's inputs: the sources, the compiler and its flags. */
async function sourceHash(sources: { name: string; text: string }[], v: Variant): Promise<string> {
  return await sha256(sourcesText(sources) + `flags:${v.flags.join(" ")}\n`);
}

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** `wasm` with a custom section `name` holding `payload` appended (custom sections may come last). */
function withCustomSection(wasm: Uint8Array, name: string, payload: string): Uint8Array {
  const enc = new TextEncoder();
  const nameBytes = enc.encode(name), body = enc.encode(payload);
  const content = [...leb128(nameBytes.length), ...nameBytes, ...body];
  const section = new Uint8Array([0, ...leb128(content.length), ...content]);
  const out = new Uint8Array(wasm.length + section.length);
  out.set(wasm);
  out.set(section, wasm.length);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(s);
}

async function compile(v: Variant): Promise<Uint8Array> {
  // Imported here so that `--check` needs no npm package.
  const { default: asc } = await import("npm:assemblyscript@0.28.20/asc");
  const outputs = new Map<string, Uint8Array | string>();
  const stderr: string[] = [];
  const root = decodeURIComponent(ROOT.pathname);
  const { error } = await asc.main(
    ["assembly/index.ts", "--outFile", "kernels.wasm", ...v.flags],
    {
      readFile(name: string, baseDir: string) {
        try {
          return Deno.readTextFileSync(`${baseDir ? baseDir + "/" : root}${name}`);
        } catch {
          return null;
        }
      },
      writeFile(name: string, contents: Uint8Array | string) {
        outputs.set(name, contents);
      },
      listFiles() {
        return [];
      },
      stdout: { write: (s: string) => void Deno.stdout.writeSync(new TextEncoder().encode(s)) },
      stderr: { write: (s: string) => void stderr.push(s) },
    } as unknown as Parameters<typeof asc.main>[1],
  );
  if (error) {
    console.error(stderr.join(""));
    throw new Error(`AssemblyScript compilation failed (${v.name}): ${error.message}`);
  }
  const wasm = outputs.get("kernels.wasm");
  if (!(wasm instanceof Uint8Array)) throw new Error(`no wasm output for ${v.name}`);
  if (!WebAssembly.validate(wasm as Uint8Array<ArrayBuffer>)) throw new Error(`invalid wasm for ${v.name}`);
  return wasm;
}

function moduleText(v: Variant, hash: string, wasm: Uint8Array): string {
  return `${generatedHeader("tools/build_wasm.ts", hash)}
// @ts-self-types="./kernels_base64.d.ts"
/** The ${
    v.name === "relaxed" ? "relaxed-SIMD" : "plain-SIMD"
  } build of assembly/ (${wasm.length} bytes, also in ${v.wasmFile}), base64. */
export const WASM_BASE64 =
  "${toBase64(wasm)}";
`;
}

function infoText(hash: string): string {
  return `${generatedHeader("tools/build_wasm.ts", hash)}
/**
 * Hash of the assembly/ sources and compiler that built the CPU kernels. Each build records it,
 * with its variant, in an \`${SECTION}\` custom section; \`torch.init\` refuses a module whose hash
 * differs (a .wasm file from another version of the library).
 */
export const KERNELS_SOURCE_HASH = "${hash}";
`;
}

/** The base64 string of a generated module, or null when the file is missing or malformed. */
async function readBase64(file: URL): Promise<string | null> {
  const text = await Deno.readTextFile(file).catch(() => null);
  return text === null ? null : /export const WASM_BASE64 =\s*"([A-Za-z0-9+/=]*)";/.exec(text)?.[1] ?? null;
}

async function main(): Promise<void> {
  const check = Deno.args.includes("--check");
  const sources = await readSources();
  if (sources.length === 0) throw new Error("no sources in assembly/");
  const sourcesHash = await sha256(sourcesText(sources));
  const problems: string[] = [];
  for (const v of VARIANTS) {
    const hash = await sourceHash(sources, v);
    const file = new URL(v.file, OUT_DIR);
    const wasmFile = new URL(v.wasmFile, OUT_DIR);
    if (check) {
      const have = await readHeaderHash(file, "tools/build_wasm.ts");
      if (have !== hash) {
        problems.push(
          `src/backends/wasm/${v.file} is ${have === null ? "missing or malformed" : "stale"} (source hash ${
            hash.slice(0, 12)
          }…, recorded ${have?.slice(0, 12) ?? "none"}…)`,
        );
        continue;
      }
      const b64 = await readBase64(file);
      const bin = await Deno.readFile(wasmFile).catch(() => null);
      const embedded = b64 === null ? null : decodeBase64(b64);
      if (!bin || !embedded || bin.length !== embedded.length || bin.some((b, i) => b !== embedded[i])) {
        problems.push(`src/backends/wasm/${v.wasmFile} is ${bin ? "not the embedded module" : "missing"}`);
      }
      continue;
    }
    const t0 = performance.now();
    const section = JSON.stringify({ variant: v.name, sources: sourcesHash });
    const wasm = withCustomSection(await compile(v), SECTION, section);
    await Deno.writeFile(wasmFile, wasm);
    await Deno.writeTextFile(file, moduleText(v, hash, wasm));
    console.log(
      `${v.file} and ${v.wasmFile}: ${wasm.length} bytes wasm, hash ${hash.slice(0, 12)}… (${
        (performance.now() - t0).toFixed(0)
      } ms)`,
    );
  }
  const infoFile = new URL(INFO_FILE, OUT_DIR);
  if (check) {
    const have = await readHeaderHash(infoFile, "tools/build_wasm.ts");
    if (have !== sourcesHash) problems.push(`src/backends/wasm/${INFO_FILE} is missing or stale`);
    if (problems.length > 0) {
      for (const p of problems) console.error(`${p}: run deno task build`);
      Deno.exit(1);
    }
    console.log("wasm kernels are up to date");
  } else {
    await Deno.writeTextFile(infoFile, infoText(sourcesHash));
  }
}

if (import.meta.main) await main();

/**
 * Compiles the AssemblyScript kernels in `assembly/` to two WebAssembly modules (relaxed SIMD and
 * plain SIMD) and embeds each as base64 in a generated TypeScript module under
 * `src/backends/wasm/`. Each generated module records a hash of the sources and flags.
 *
 *   deno run -A tools/build_wasm.ts           rebuild both modules
 *   deno run -A tools/build_wasm.ts --check   fail if a module is stale (hash only, no compile)
 * @module
 */
import asc from "assemblyscript/asc";
import { generatedHeader, readHeaderHash } from "./generated.ts";

const ROOT = new URL("../", import.meta.url);
const ASSEMBLY = new URL("assembly/", ROOT);
const OUT_DIR = new URL("src/backends/wasm/", ROOT);
const COMPILER = "assemblyscript@0.28.20";

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
  name: string;
  file: string;
  flags: string[];
}

const VARIANTS: Variant[] = [
  {
    name: "relaxed",
    file: "kernels_relaxed.generated.ts",
    flags: [...COMMON_FLAGS, "--enable", "relaxed-simd"],
  },
  { name: "simd", file: "kernels_simd.generated.ts", flags: COMMON_FLAGS },
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

async function sourceHash(sources: { name: string; text: string }[], v: Variant): Promise<string> {
  let all = "";
  for (const s of sources) all += `file:${s.name}\n${s.text}\n`;
  all += `compiler:${COMPILER}\nflags:${v.flags.join(" ")}\n`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(all));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
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
/** The ${
    v.name === "relaxed" ? "relaxed-SIMD" : "plain-SIMD"
  } build of assembly/ (${wasm.length} bytes), base64. */
export const WASM_BASE64 =
  "${toBase64(wasm)}";
`;
}

async function main(): Promise<void> {
  const check = Deno.args.includes("--check");
  const sources = await readSources();
  if (sources.length === 0) throw new Error("no sources in assembly/");
  let stale = 0;
  for (const v of VARIANTS) {
    const hash = await sourceHash(sources, v);
    const file = new URL(v.file, OUT_DIR);
    if (check) {
      const have = await readHeaderHash(file, "tools/build_wasm.ts");
      if (have !== hash) {
        console.error(
          `src/backends/wasm/${v.file} is ${have === null ? "missing or malformed" : "stale"} (source hash ${
            hash.slice(0, 12)
          }…, recorded ${have?.slice(0, 12) ?? "none"}…): run deno task build`,
        );
        stale++;
      }
      continue;
    }
    const t0 = performance.now();
    const wasm = await compile(v);
    await Deno.writeTextFile(file, moduleText(v, hash, wasm));
    console.log(
      `${v.file}: ${wasm.length} bytes wasm, hash ${hash.slice(0, 12)}… (${
        (performance.now() - t0).toFixed(0)
      } ms)`,
    );
  }
  if (check) {
    if (stale > 0) Deno.exit(1);
    console.log("wasm kernels are up to date");
  }
}

if (import.meta.main) await main();

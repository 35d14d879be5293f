/**
 * Writes `src/backends/wasm/worker_source.generated.ts`: the JavaScript text of `workerMain`
 * (src/backends/wasm/worker_main.ts, as Deno transpiles it), which the CPU backend's thread pool
 * starts its workers from (see src/backends/wasm/threads.ts). The generated module records a hash of
 * worker_main.ts.
 *
 *   deno run -A tools/build_worker.ts           rewrite the module
 *   deno run -A tools/build_worker.ts --check   fail if it is stale
 * @module
 */
import { generatedHeader, readHeaderHash } from "./generated.ts";
import { workerMain } from "../src/backends/wasm/worker_main.ts";

const SOURCE = new URL("../src/backends/wasm/worker_main.ts", import.meta.url);
const OUT = new URL("../src/backends/wasm/worker_source.generated.ts", import.meta.url);
const TOOL = "tools/build_worker.ts";

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function main(): Promise<void> {
  const hash = await sha256((await Deno.readTextFile(SOURCE)).replaceAll("\r\n", "\n"));
  if (Deno.args.includes("--check")) {
    const have = await readHeaderHash(OUT, TOOL);
    if (have !== hash) {
      console.error(
        `src/backends/wasm/worker_source.generated.ts is ${
          have === null ? "missing or malformed" : "stale"
        }: run deno task build`,
      );
      Deno.exit(1);
    }
    console.log("worker source is up to date");
    return;
  }
  const text = `(${workerMain.toString()})();\n`;
  await Deno.writeTextFile(
    OUT,
    `${generatedHeader(TOOL, hash)}
/** The JavaScript text of \`workerMain\` (worker_main.ts), called: what each pool worker runs. */
export const WORKER_SOURCE: string = ${JSON.stringify(text)};
`,
  );
  console.log(`worker_source.generated.ts: ${text.length} characters, hash ${hash.slice(0, 12)}…`);
}

if (import.meta.main) await main();

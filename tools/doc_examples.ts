/**
 * The JSDoc examples of `src/` and `mod.ts` as a few test modules instead of one per example.
 *
 * `deno test --doc` runs every ```ts block of a JSDoc comment as a test module of its own, and Deno
 * starts each test module in a fresh worker: about 0.27 s of CPU here before the first line runs,
 * ~130 s of the full suite's CPU for ~480 examples. This tool writes each example to
 * `.cache/doc_examples/` as a module (relative imports made absolute, nothing else changed) and one
 * test module per source folder whose tests import those modules, so the examples of a folder run
 * in one worker. `deno check --doc` still type-checks every example in place (tools/test.ts runs it
 * first).
 *
 * Examples share their folder's library instance, so an example that needs a fresh one (the
 * threads' "not started yet", `init`'s first call) lives in a file listed in {@link FRESH_FILES}:
 * those files keep `deno test --doc`. Blocks marked ```ts ignore are skipped, as Deno skips them.
 *
 *   deno run -A tools/doc_examples.ts     writes .cache/doc_examples/ and prints the test modules
 * @module
 */

/** Source files whose examples need a fresh library instance (run with `deno test --doc`). */
export const FRESH_FILES: readonly string[] = [
  "src/backends/wasm/loader.ts",
  "src/backends/wasm/threads.ts",
  "src/cpu.ts",
];

/** One ```ts block of a JSDoc comment. */
export interface Example {
  /** Line of the opening fence (1-based). */
  line: number;
  /** The code, without the comment's leading `*`. */
  code: string;
}

/** The ```ts blocks of the JSDoc comments of a TypeScript source (not those marked `ignore`). */
export function extractExamples(source: string): Example[] {
  const lines = source.split("\n");
  const out: Example[] = [];
  let inDoc = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!inDoc) {
      if (/^\s*\/\*\*/.test(line) && !/\*\/\s*$/.test(line.replace(/^\s*\/\*\*/, ""))) inDoc = true;
      continue;
    }
    if (/\*\/\s*$/.test(line)) {
      inDoc = false;
      continue;
    }
    const open = /^\s*\*\s?```(ts|typescript)(\s+\S.*)?\s*$/.exec(line);
    if (!open) continue;
    const ignore = /\bignore\b/.test(open[2] ?? "");
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*\*\s?```\s*$/.test(lines[j]); j++) {
      body.push(lines[j].replace(/^\s*\* ?/, "").replace(/^\s*\*$/, ""));
    }
    if (!ignore) out.push({ line: i + 1, code: body.join("\n") + "\n" });
    i = j;
  }
  return out;
}

/** `code` with its relative module specifiers (static and dynamic imports) made absolute from `base`. */
export function absoluteImports(code: string, base: URL): string {
  return code.replace(
    /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']+)\2/g,
    (_m, lead: string, q: string, spec: string) => `${lead}${q}${new URL(spec, base).href}${q}`,
  );
}

/** The name of the test module that runs the examples of `path` (one per folder). */
export function groupOf(path: string): string {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "root";
  return dir.replaceAll("/", "_");
}

/**
 * Writes every example of `files` (paths relative to `root`, not in {@link FRESH_FILES}) under
 * `outDir` and returns the test modules that run them.
 */
export async function writeExampleTests(root: URL, files: readonly string[], outDir: URL): Promise<string[]> {
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  await Deno.mkdir(outDir, { recursive: true });
  const groups = new Map<string, string[]>();
  for (const path of files) {
    if (FRESH_FILES.includes(path)) continue;
    const url = new URL(path, root);
    const examples = extractExamples(await Deno.readTextFile(url));
    for (const ex of examples) {
      const name = `${path.replaceAll("/", "_")}__${ex.line}.ts`;
      await Deno.writeTextFile(
        new URL(name, outDir),
        `// ${path}:${ex.line}\n` + absoluteImports(ex.code, url),
      );
      const group = groupOf(path);
      const list = groups.get(group) ?? [];
      list.push(
        `Deno.test(${JSON.stringify(`${url.href}#${ex.line}`)}, async () => {\n` +
          `  await import(${JSON.stringify(`./${name}`)});\n});\n`,
      );
      groups.set(group, list);
    }
  }
  const modules: string[] = [];
  for (const [group, tests] of groups) {
    const file = new URL(`${group}_examples_test.ts`, outDir);
    await Deno.writeTextFile(
      file,
      `// The JSDoc examples of ${group.replaceAll("_", "/")} (tools/doc_examples.ts).\n` + tests.join(""),
    );
    modules.push(file.pathname);
  }
  return modules.sort();
}

/** The TypeScript sources under `src/` and `mod.ts`, relative to `root`. */
export async function sourceFiles(root: URL): Promise<string[]> {
  const out = ["mod.ts"];
  const walk = async (dir: string): Promise<void> => {
    for await (const e of Deno.readDir(new URL(dir, root))) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(path);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(path);
    }
  };
  await walk("src");
  return out.sort();
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const modules = await writeExampleTests(
    root,
    await sourceFiles(root),
    new URL(".cache/doc_examples/", root),
  );
  console.log(modules.join("\n"));
}

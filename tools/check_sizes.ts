/**
 * `deno task check:sizes`: fails when a git-tracked hand-written source file (`.ts`, `.js`,
 * `.wgsl`, `.py`) is longer than {@link MAX_LINES} lines, listing every such file with its length,
 * longest first. Generated modules (`*.generated.*`) and fixture data (`tests/fixtures/`) are not
 * hand-written and are skipped. `deno task check:sizes [dir]` checks the git work tree at `dir`
 * (default: the current directory).
 *
 * @module
 */

/** The most lines a hand-written source file may have. */
export const MAX_LINES = 800;

const SOURCE = /\.(ts|js|wgsl|py)$/;

/** Whether the tracked file at `path` (relative to the repository root) is hand-written source. */
export function isHandWrittenSource(path: string): boolean {
  if (!SOURCE.test(path)) return false;
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (/\.generated\./.test(name)) return false;
  return !path.startsWith("tests/fixtures/") && !path.split("/").includes("node_modules");
}

/** The number of lines of `text`, as `wc -l` counts them plus a last line without a newline. */
export function lineCount(text: string): number {
  if (text.length === 0) return 0;
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return text.endsWith("\n") ? n : n + 1;
}

/** One file over the limit. */
export interface Oversized {
  path: string;
  lines: number;
}

/** The files of `sizes` longer than `max` lines, longest first (then by path). */
export function oversized(sizes: readonly Oversized[], max = MAX_LINES): Oversized[] {
  return sizes.filter((s) => s.lines > max).sort((a, b) => b.lines - a.lines || (a.path < b.path ? -1 : 1));
}

/** The report printed for `offenders` (empty: none) out of `checked` files. */
export function report(offenders: readonly Oversized[], checked: number, max = MAX_LINES): string {
  const files = (n: number) => `${n} hand-written source file${n === 1 ? "" : "s"}`;
  if (offenders.length === 0) return `check:sizes: ${files(checked)}, none over ${max} lines`;
  return [
    `check:sizes: ${
      files(offenders.length)
    } over ${max} lines (split them by op family; generated modules are named *.generated.*):`,
    ...offenders.map((o) => `  ${o.path}: ${o.lines} lines`),
  ].join("\n");
}

/** The hand-written source files git tracks in the work tree at `root`, with their line counts. */
export async function trackedSizes(root: string): Promise<Oversized[]> {
  const out = await new Deno.Command("git", { args: ["ls-files", "-z"], cwd: root, stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(
      `check:sizes: git ls-files failed in ${root}: ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
  const paths = new TextDecoder().decode(out.stdout).split("\0").filter((p) => p && isHandWrittenSource(p));
  const sizes: Oversized[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await Deno.readTextFile(`${root}/${path}`);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue; // deleted in the work tree, not yet in the index
      throw e;
    }
    sizes.push({ path, lines: lineCount(text) });
  }
  return sizes;
}

if (import.meta.main) {
  const root = Deno.args[0] ?? Deno.cwd();
  const sizes = await trackedSizes(root);
  const offenders = oversized(sizes);
  const text = report(offenders, sizes.length);
  if (offenders.length > 0) {
    console.error(text);
    Deno.exit(1);
  }
  console.log(text);
}

/**
 * A small reader for numeric CSV files (one record per line, no quoting rules beyond stripping
 * surrounding double quotes from a field).
 * @module
 */
import { gunzip, isGzip, type PathLike, pathName, readFileBytes } from "../io/fs.ts";

/** Options of `parseCsv` and `readCsv`. */
export interface CsvOptions {
  /** The first line holds column names (default false). */
  header?: boolean;
  /** The field separator (default `","`). */
  delimiter?: string;
  /** A name for the text in error messages (`readCsv` passes the path). */
  name?: string;
}

/** A parsed CSV file: the column names (when `header` was set) and the rows of numbers. */
export interface CsvTable {
  /** The column names (with `header: true`), otherwise null. */
  header: string[] | null;
  /** The rows, each an array of numbers. */
  rows: number[][];
}

function parseField(raw: string): number {
  let s = raw.trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).trim();
  if (s === "") return NaN;
  const lower = s.toLowerCase();
  if (lower === "nan") return NaN;
  if (lower === "inf" || lower === "+inf" || lower === "infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  // Number() accepts "0x10", "1_000"-free forms; restrict to decimal notation.
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return NaN;
  return Number(s);
}

/**
 * Parses CSV text of numbers. Empty lines are skipped; every row must have as many fields as the
 * first; a field that is not a number (`nan`/`inf` are accepted) is an error naming the line and
 * column.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { parseCsv } from "./csv.ts";
 * const t = parseCsv("a,b\n1,2\n3,4.5\n", { header: true });
 * assertEquals([t.header, t.rows], [["a", "b"], [[1, 2], [3, 4.5]]]);
 * ```
 */
export function parseCsv(text: string, opts: CsvOptions = {}): CsvTable {
  const { header = false, delimiter = ",", name = "CSV data" } = opts;
  if (typeof text !== "string") throw new TypeError(`parseCsv: expected a string, got ${typeof text}`);
  if (typeof delimiter !== "string" || delimiter.length === 0) {
    throw new TypeError("parseCsv: delimiter must be a non-empty string");
  }
  const lines = text.split(/\r?\n/);
  let names: string[] | null = null;
  const rows: number[][] = [];
  let width = -1, widthLine = 0;
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln];
    if (line.trim() === "") continue;
    const fields = line.split(delimiter);
    if (header && names === null) {
      names = fields.map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
      width = fields.length;
      widthLine = ln + 1;
      continue;
    }
    if (width < 0) {
      width = fields.length;
      widthLine = ln + 1;
    } else if (fields.length !== width) {
      throw new Error(
        `${name}: line ${ln + 1} has ${fields.length} fields, expected ${width} (as line ${widthLine})`,
      );
    }
    const row = new Array<number>(fields.length);
    for (let c = 0; c < fields.length; c++) {
      const v = parseField(fields[c]);
      if (Number.isNaN(v) && !/^\s*"?\s*nan\s*"?\s*$/i.test(fields[c])) {
        throw new Error(
          `${name}: line ${ln + 1}, column ${c + 1}: expected a number, found ${JSON.stringify(fields[c])}`,
        );
      }
      row[c] = v;
    }
    rows.push(row);
  }
  return { header: names, rows };
}

/**
 * Reads a CSV file of numbers, gzipped (detected by its magic bytes) or plain.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { readCsv } from "./csv.ts";
 * try {
 *   const t = await readCsv(new URL("../../../shared/data/digits.csv.gz", import.meta.url));
 *   assertEquals([t.rows.length, t.rows[0].length], [1797, 65]);
 * } catch {
 *   // the data file is not present here
 * }
 * ```
 */
export async function readCsv(path: PathLike, opts: CsvOptions = {}): Promise<CsvTable> {
  const name = opts.name ?? pathName(path);
  let bytes = await readFileBytes("readCsv", path);
  if (isGzip(bytes)) bytes = await gunzip(bytes, name);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${name}: not valid UTF-8 text`);
  }
  return parseCsv(text, { ...opts, name });
}

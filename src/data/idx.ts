/**
 * The IDX format of MNIST and Fashion-MNIST: a big-endian magic `0x0000TTNN` (two zero bytes,
 * a type code `TT`, the number of dimensions `NN`), `NN` big-endian u32 sizes, then the data,
 * row-major and big-endian. Files are often gzipped; `readIdx` detects that by the gzip magic
 * and decompresses with `DecompressionStream`.
 * @module
 */
import type { DType } from "../dtype.ts";
import { backendFor } from "../backends/registry.ts";
import { Tensor } from "../tensor.ts";
import { gunzip, isGzip, type PathLike, pathName, readFileBytes } from "../io/fs.ts";

/** IDX element types: code, bytes per element, and the tensor dtype they load as. */
const IDX_TYPES: Record<number, { name: string; size: number; dtype: DType }> = {
  0x08: { name: "unsigned byte", size: 1, dtype: "uint8" },
  0x09: { name: "signed byte", size: 1, dtype: "int32" },
  0x0b: { name: "short (int16)", size: 2, dtype: "int32" },
  0x0c: { name: "int (int32)", size: 4, dtype: "int32" },
  0x0d: { name: "float (float32)", size: 4, dtype: "float32" },
  0x0e: { name: "double (float64)", size: 8, dtype: "float32" },
};

/** Options of `parseIdx` and `readIdx`. */
export interface IdxOptions {
  /** A name for the bytes in error messages (`readIdx` passes the path). */
  name?: string;
  /** Expected magic number, e.g. `0x00000803` for uint8 images: anything else is an error. */
  expectMagic?: number;
}

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, "0")}`;
}

function describeMagic(m: number): string {
  const t = IDX_TYPES[(m >>> 8) & 0xff];
  return `${t ? t.name : "unknown type"}, ${m & 0xff} dimension${(m & 0xff) === 1 ? "" : "s"}`;
}

/**
 * Parses IDX bytes (not compressed) into a tensor: uint8 data gives a uint8 tensor, the other
 * integer types int32, float and double float32. Throws an Error naming the file and what was
 * expected versus found for a wrong magic, a truncated file, or trailing bytes.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { parseIdx } from "./idx.ts";
 * // magic 0x00000801 (uint8, 1 dimension), 3 items, then the labels
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]);
 * assertEquals(parseIdx(bytes).toArray(), [7, 2, 1]);
 * ```
 */
export function parseIdx(bytes: Uint8Array, opts: IdxOptions = {}): Tensor {
  const what = opts.name ?? "IDX data";
  const fail = (msg: string): never => {
    throw new Error(`${what}: ${msg}`);
  };
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`parseIdx: expected a Uint8Array, got ${typeof bytes}`);
  }
  if (isGzip(bytes)) {
    fail("the data is gzip-compressed (starts with 1f 8b); use readIdx, or decompress it first");
  }
  if (bytes.length < 4) {
    fail(`file is truncated: ${bytes.length} bytes, but an IDX file starts with a 4-byte magic number`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const typeCode = bytes[2], ndim = bytes[3];
  const type = IDX_TYPES[typeCode];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || ndim === 0) {
    fail(
      `wrong magic number ${hex(magic)}: expected ${
        opts.expectMagic !== undefined
          ? `${hex(opts.expectMagic)} (${describeMagic(opts.expectMagic)})`
          : "0x0000TTNN"
      } (two zero bytes, a type code 08/09/0b/0c/0d/0e, the number of dimensions); this is not an IDX file`,
    );
  }
  if (opts.expectMagic !== undefined && magic !== opts.expectMagic) {
    fail(
      `wrong magic number ${hex(magic)} (${describeMagic(magic)}): expected ${hex(opts.expectMagic)} (${
        describeMagic(opts.expectMagic)
      })`,
    );
  }
  const headerLen = 4 + 4 * ndim;
  if (bytes.length < headerLen) {
    fail(
      `file is truncated: the header of a ${ndim}-dimensional IDX file is ${headerLen} bytes, found ${bytes.length}`,
    );
  }
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const numel = shape.reduce((a, b) => a * b, 1);
  const expected = numel * type.size;
  const found = bytes.length - headerLen;
  if (found < expected) {
    fail(
      `file is truncated: shape [${
        shape.join(", ")
      }] of ${type.name} needs ${expected} bytes of data after the ` +
        `${headerLen}-byte header, found ${found}`,
    );
  }
  if (found > expected) {
    fail(
      `inconsistent sizes: shape [${
        shape.join(", ")
      }] of ${type.name} needs ${expected} bytes of data after the ` +
        `${headerLen}-byte header, found ${found} (${found - expected} extra bytes)`,
    );
  }
  let values: Uint8Array | Int32Array | Float32Array;
  const start = headerLen;
  switch (typeCode) {
    case 0x08:
      values = bytes.slice(start, start + expected);
      break;
    case 0x09:
      values = Int32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset + start, numel));
      break;
    case 0x0b: {
      values = new Int32Array(numel);
      for (let i = 0; i < numel; i++) values[i] = view.getInt16(start + 2 * i, false);
      break;
    }
    case 0x0c: {
      values = new Int32Array(numel);
      for (let i = 0; i < numel; i++) values[i] = view.getInt32(start + 4 * i, false);
      break;
    }
    case 0x0d: {
      values = new Float32Array(numel);
      for (let i = 0; i < numel; i++) values[i] = view.getFloat32(start + 4 * i, false);
      break;
    }
    default: {
      values = new Float32Array(numel);
      for (let i = 0; i < numel; i++) values[i] = view.getFloat64(start + 8 * i, false);
    }
  }
  return new Tensor(backendFor("cpu").fromTyped(values, type.dtype), shape);
}

/**
 * Reads an IDX file, gzipped (detected by its magic bytes `1f 8b`) or raw.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { readIdx } from "./idx.ts";
 * const dir = new URL("../../../shared/data/fashion-mnist/", import.meta.url);
 * const labels = await readIdx(new URL("t10k-labels-idx1-ubyte.gz", dir)).catch(() => null); // null: no data here
 * if (labels !== null) assertEquals([labels.shape, labels.dtype], [[10000], "uint8"]);
 * ```
 */
export async function readIdx(path: PathLike, opts: IdxOptions = {}): Promise<Tensor> {
  const name = opts.name ?? pathName(path);
  let bytes = await readFileBytes("readIdx", path);
  if (isGzip(bytes)) bytes = await gunzip(bytes, name);
  return parseIdx(bytes, { ...opts, name });
}

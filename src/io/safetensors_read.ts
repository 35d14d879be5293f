/**
 * Reading safetensors: `parseSafetensors`, `loadBytes` and `load`. Each tensor's bytes are copied
 * once, into the tensor's own storage (`load` reads them from the file straight into it), with the
 * dtype conversions and range checks of the module doc of safetensors.ts; nested states are
 * rebuilt from their `edgetorch.tree` metadata.
 * @module
 */
import type { Storage } from "../backends/backend.ts";
import { backendFor } from "../backends/registry.ts";
import type { DType, TypedArray } from "../dtype.ts";
import { Tensor } from "../tensor.ts";
import { openFileReader, type PathLike, pathName, readFileBytes } from "./fs.ts";
import { isJsonObject, type JsonObject, type JsonValue, parseJsonStrict } from "./json.ts";
import {
  describeValue,
  DTYPE_SIZE,
  LITTLE_ENDIAN,
  type LoadOptions,
  type SafetensorsContents,
  type TensorDict,
  TREE_METADATA_KEY,
} from "./safetensors_format.ts";
import { headerLength, type Parsed, readHeader } from "./safetensors_header.ts";

/** The CPU storage of `values`, taken over without a copy where the backend can. */
function makeTensor(values: TypedArray, dtype: DType, shape: readonly number[]): Tensor {
  const cpu = backendFor("cpu") as ReturnType<typeof backendFor> & {
    adopt?: (data: TypedArray, dtype: DType) => Storage;
  };
  // complex64 views a float32 storage of its (re, im) pairs (src/complex/core.ts).
  const sd = dtype === "complex64" ? "float32" : dtype;
  const storage = typeof cpu.adopt === "function" ? cpu.adopt(values, sd) : cpu.fromTyped(values, sd);
  return new Tensor(storage, shape, undefined, 0, dtype);
}

/**
 * How one tensor is loaded: `raw` is where its file bytes go (for the dtypes this library stores as
 * they are, on a little-endian host, the tensor's own final array: one copy in all), and
 * `finish` turns them into the tensor (converting, or range-checking, the other dtypes).
 */
interface LoadPlan {
  raw: Uint8Array;
  finish: () => Tensor;
}

function bytesOf(values: TypedArray): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function planEntry(e: Parsed, what: string): LoadPlan {
  const nbytes = e.end - e.begin;
  const n = nbytes / DTYPE_SIZE[e.dtype];
  const outOfRange = (i: number, v: number | bigint): never => {
    throw new RangeError(
      `${what}: tensor ${
        JSON.stringify(e.name)
      } (${e.dtype}) holds ${v} at element ${i}, outside int32's range ` +
        "(edgetorch has no 64-bit integers: integers load as int32)",
    );
  };
  // The file's bytes, little-endian words made native (a no-op on little-endian hosts).
  const temp = () => new Uint8Array(nbytes);
  const native = (raw: Uint8Array, width: number): ArrayBuffer => {
    if (!LITTLE_ENDIAN && width > 1) {
      for (let i = 0; i < raw.length; i += width) raw.subarray(i, i + width).reverse();
    }
    return raw.buffer as ArrayBuffer;
  };
  const direct = (values: TypedArray, dtype: DType, width: number): LoadPlan => {
    if (LITTLE_ENDIAN || width === 1) {
      return {
        raw: bytesOf(values),
        finish: () => makeTensor(values, dtype, e.shape),
      };
    }
    const raw = temp();
    return {
      raw,
      finish: () => {
        bytesOf(values).set(new Uint8Array(native(raw, width)));
        return makeTensor(values, dtype, e.shape);
      },
    };
  };
  const converted = (width: number, convert: (buf: ArrayBuffer) => [TypedArray, DType]): LoadPlan => {
    const raw = temp();
    return {
      raw,
      finish: () => {
        const [values, dtype] = convert(native(raw, width));
        return makeTensor(values, dtype, e.shape);
      },
    };
  };
  switch (e.dtype) {
    case "F32":
      return direct(new Float32Array(n), "float32", 4);
    case "F16":
      return direct(new Uint16Array(n), "float16", 2);
    case "I32":
      return direct(new Int32Array(n), "int32", 4);
    case "U8":
      return direct(new Uint8Array(n), "uint8", 1);
    case "BOOL": {
      const v = new Uint8Array(n);
      return {
        raw: v,
        finish: () => {
          for (let i = 0; i < v.length; i++) if (v[i] > 1) v[i] = 1;
          return makeTensor(v, "bool", e.shape);
        },
      };
    }
    case "F64":
      return direct(new Float64Array(n), "float64", 8);
    case "C64":
      return direct(new Float32Array(2 * n), "complex64", 4);
    case "BF16":
      return converted(2, (b) => {
        const h = new Uint16Array(b);
        const bits = new Uint32Array(n);
        for (let i = 0; i < n; i++) bits[i] = h[i] << 16;
        return [new Float32Array(bits.buffer), "float32"];
      });
    case "I16":
      return converted(2, (b) => [Int32Array.from(new Int16Array(b)), "int32"]);
    case "U16":
      return converted(2, (b) => [Int32Array.from(new Uint16Array(b)), "int32"]);
    case "I8":
      return converted(1, (b) => [Int32Array.from(new Int8Array(b)), "int32"]);
    case "U32":
      return converted(4, (b) => {
        const v = new Uint32Array(b);
        for (let i = 0; i < n; i++) if (v[i] > 0x7fffffff) outOfRange(i, v[i]);
        return [new Int32Array(v.buffer), "int32"];
      });
    case "I64":
    case "U64":
      return converted(1, (b) => {
        const v = new DataView(b);
        const out = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const lo = v.getUint32(8 * i, true), hi = v.getUint32(8 * i + 4, true);
          const ok = e.dtype === "I64"
            ? (hi === 0 && lo <= 0x7fffffff) || (hi === 0xffffffff && lo >= 0x80000000)
            : hi === 0 && lo <= 0x7fffffff;
          if (!ok) {
            outOfRange(i, e.dtype === "I64" ? v.getBigInt64(8 * i, true) : v.getBigUint64(8 * i, true));
          }
          out[i] = lo | 0;
        }
        return [out, "int32"];
      });
  }
}

/** The tensors of a parsed header by name (null prototype, header order), from `tensor(e)`. */
function tensorDict(entries: readonly Parsed[], tensor: (e: Parsed) => Tensor): TensorDict {
  const tensors: TensorDict = {};
  for (const e of entries) {
    Object.defineProperty(tensors, e.name, {
      value: tensor(e),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return tensors;
}

function asBytes(op: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new TypeError(`${op}: expected a Uint8Array or ArrayBuffer, got ${describeValue(bytes)}`);
}

/**
 * Parses safetensors bytes into flat tensors and the `__metadata__` strings, without rebuilding
 * nested states (the `edgetorch.tree` entry, if any, is left in `metadata`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { parseSafetensors, saveBytes } from "./safetensors.ts";
 * const { tensors, metadata } = parseSafetensors(saveBytes({ w: torch.ones(2) }, { metadata: { format: "pt" } }));
 * assertEquals([Object.keys(tensors), metadata.format], [["w"], "pt"]);
 * ```
 */
export function parseSafetensors(
  bytes: Uint8Array | ArrayBuffer,
  opts: LoadOptions = {},
): SafetensorsContents {
  const buf = asBytes("parseSafetensors", bytes);
  const what = opts.name ?? "safetensors";
  const { entries, metadata, dataStart } = readHeader(buf, what, buf.length, opts.maxTensors);
  const tensors = tensorDict(entries, (e) => {
    const plan = planEntry(e, what);
    plan.raw.set(buf.subarray(dataStart + e.begin, dataStart + e.end));
    return plan.finish();
  });
  return { tensors, metadata };
}

function rebuildTree(tree: string, tensors: TensorDict, what: string): unknown {
  const fail = (msg: string): never => {
    throw new Error(`${what}: the "${TREE_METADATA_KEY}" metadata entry is corrupt: ${msg}`);
  };
  let skeleton: JsonValue;
  try {
    skeleton = parseJsonStrict(tree, 1000);
  } catch (e) {
    return fail((e as Error).message);
  }
  const used = new Set<string>();
  const decode = (v: JsonValue): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map(decode);
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0].startsWith("$")) {
      const k = keys[0], x = v[k];
      if (k === "$t") {
        if (typeof x !== "string" || !Object.hasOwn(tensors, x)) {
          fail(`it refers to a missing tensor ${JSON.stringify(x)}`);
        }
        used.add(x as string);
        return tensors[x as string];
      }
      if (k === "$n") {
        if (x !== "NaN" && x !== "Infinity" && x !== "-Infinity") fail(`bad number ${JSON.stringify(x)}`);
        return Number(x);
      }
      if (k === "$o") {
        if (!isJsonObject(x)) fail("bad object");
        return Object.fromEntries(Object.entries(x as JsonObject).map(([kk, vv]) => [kk, decode(vv)]));
      }
      return fail(`unknown marker ${JSON.stringify(k)}`);
    }
    if (keys.some((k) => k.startsWith("$"))) fail(`unexpected key starting with "$"`);
    return Object.fromEntries(keys.map((k) => [k, decode(v[k])]));
  };
  const out = decode(skeleton);
  const unused = Object.keys(tensors).filter((k) => !used.has(k));
  if (unused.length) fail(`tensor ${JSON.stringify(unused[0])} is not part of the stored structure`);
  return out;
}

/**
 * Loads safetensors bytes: a flat `Record<string, Tensor>` for ordinary files (a type argument
 * can name the expected shape of a nested state, e.g. `loadBytes<MyCheckpoint>(bytes)`). Throws
 * a clear Error for malformed input, never reading out of bounds.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { loadBytes, saveBytes } from "./safetensors.ts";
 * const ckpt = loadBytes<{ epoch: number; model: Record<string, torch.Tensor> }>(
 *   saveBytes({ epoch: 3, model: { w: torch.ones(2) } }),
 * );
 * assertEquals([ckpt.epoch, ckpt.model.w.toArray()], [3, [1, 1]]);
 * ```
 */
export function loadBytes<T = TensorDict>(bytes: Uint8Array | ArrayBuffer, opts: LoadOptions = {}): T {
  const what = opts.name ?? "loadBytes";
  const contents = parseSafetensors(asBytes("loadBytes", bytes), { ...opts, name: what });
  return finishLoad<T>(contents, what);
}

/** The flat tensors, or the nested state the `edgetorch.tree` entry describes. */
function finishLoad<T>({ tensors, metadata }: SafetensorsContents, what: string): T {
  const tree = Object.hasOwn(metadata, TREE_METADATA_KEY) ? metadata[TREE_METADATA_KEY] : undefined;
  return (tree === undefined ? tensors : rebuildTree(tree, tensors, what)) as T;
}

/**
 * Reads a safetensors file written by `save` or by PyTorch (`safetensors.torch.save_file`). The
 * header is read and validated first; then each tensor's bytes go from the file straight into its
 * storage (the file is never held whole in memory). Runtimes whose file API cannot read at an
 * offset read the whole file first.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { load, save } from "./safetensors.ts";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await save({ "0.weight": torch.eye(2) }, path);
 * assertEquals((await load(path))["0.weight"].toArray(), [[1, 0], [0, 1]]);
 * ```
 */
export async function load<T = TensorDict>(path: PathLike, opts: LoadOptions = {}): Promise<T> {
  const what = opts.name ?? `load: ${pathName(path)}`;
  const file = await openFileReader("load", path);
  if (file === null) return loadBytes<T>(await readFileBytes("load", path), { ...opts, name: what });
  try {
    const first8 = new Uint8Array(Math.min(8, file.size));
    await file.readAt(first8, 0);
    const n = headerLength(first8, file.size, what);
    const head = new Uint8Array(8 + n);
    await file.readAt(head, 0);
    const { entries, metadata, dataStart } = readHeader(head, what, file.size, opts.maxTensors);
    // In file order, each into its own storage.
    const loaded = new Map<Parsed, Tensor>();
    for (const e of [...entries].sort((a, b) => a.begin - b.begin)) {
      const plan = planEntry(e, what);
      if (plan.raw.length > 0) await file.readAt(plan.raw, dataStart + e.begin);
      loaded.set(e, plan.finish());
    }
    return finishLoad<T>({ tensors: tensorDict(entries, (e) => loaded.get(e)!), metadata }, what);
  } finally {
    await file.close();
  }
}

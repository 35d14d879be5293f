/**
 * Save and load tensors in the safetensors format, the format PyTorch users share weights in
 * (`safetensors.torch.save_file` / `load_file`):
 *
 * ```
 * [8 bytes: N, little-endian u64][N bytes: JSON header, padded with spaces][data]
 * header: {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ...}
 * ```
 *
 * The writer follows the reference implementation byte for byte: tensors ordered by dtype
 * alignment (largest first) then by name, data contiguous and so naturally aligned, the header
 * padded with spaces to a multiple of 8, `__metadata__` first with its keys sorted. The reader
 * validates everything before touching the data (header length, UTF-8, JSON with no duplicate
 * keys, dtypes, shapes, offsets contiguous from 0 to the end of the file) and never reads out of
 * bounds; every problem is an `Error` whose message names the file and the tensor. The work a
 * header can ask for is bounded: at most {@link MAX_HEADER_BYTES} of header, {@link MAX_TENSORS}
 * tensors (`maxTensors` option) and a proportional number of JSON values, ranks up to 64.
 *
 * Loading copies each tensor's bytes once, into the tensor's own storage: `load` reads them from
 * the file straight into it (the file is never held whole in memory), `loadBytes` from the bytes.
 *
 * dtypes: F32, F64, F16, I32, U8 and BOOL round-trip exactly. Loading also accepts BF16 (as
 * float32), I64, U64, U32 (as int32, with a range check: edgetorch has no 64-bit integers), and
 * I16, U16, I8 (as int32).
 *
 * Nested state (optimizer state, checkpoints): `saveBytes`/`save` also accept any tree of plain
 * objects and arrays whose leaves are tensors, numbers (NaN and infinities included), strings,
 * booleans or null (see {@link StateValue}). Each tensor is stored under its dotted path
 * (`optimizer.state.0.expAvg`, `model.fc.weight`), and the tree itself, with every tensor
 * replaced by `{"$t": "<key>"}` (and non-finite numbers by `{"$n": "Infinity"}`), is stored as
 * JSON in the `edgetorch.tree` entry of `__metadata__`. Such a file is still an ordinary
 * safetensors file: PyTorch sees the flattened tensors and can `json.loads` the tree.
 * `loadBytes`/`load` rebuild the tree (name its type with a type argument:
 * `await load<{ model: Record<string, Tensor>; epoch: number }>(path)`). A flat
 * `Record<string, Tensor>` (a model's `stateDict()`) is saved without that entry, exactly as
 * `safetensors.torch.save_file` would save it.
 * @module
 */
import type { Storage } from "../backends/backend.ts";
import { backendFor } from "../backends/registry.ts";
import type { DType, TypedArray } from "../dtype.ts";
import { contiguousStorage } from "../ops/dispatch.ts";
import { Tensor } from "../tensor.ts";
import { openFileReader, type PathLike, pathName, readFileBytes, writeFileBytes } from "./fs.ts";
import { isJsonObject, type JsonObject, JsonSyntaxError, type JsonValue, parseJsonStrict } from "./json.ts";

export type { PathLike } from "./fs.ts";

/** The safetensors element types this module reads (see the module doc for conversions). */
export type SafetensorsDType =
  | "BOOL"
  | "U8"
  | "I8"
  | "I16"
  | "U16"
  | "F16"
  | "BF16"
  | "I32"
  | "U32"
  | "F32"
  | "F64"
  | "I64"
  | "U64";

/** A value `saveBytes` accepts: tensors, JSON scalars, and arrays and plain objects of them. */
export type StateValue =
  | Tensor
  | number
  | string
  | boolean
  | null
  | readonly StateValue[]
  | { readonly [key: string]: StateValue | undefined };

/** A flat map from names to tensors, as `module.stateDict()` returns. */
export type TensorDict = Record<string, Tensor>;

/** Options of `saveBytes` and `save`. */
export interface SaveOptions {
  /** String pairs stored in the header's `__metadata__` (e.g. `{ format: "pt" }`). */
  metadata?: Record<string, string>;
}

/** Options of `loadBytes`, `parseSafetensors` and `load`. */
export interface LoadOptions {
  /** A name for the bytes, used in error messages (`load` passes the path). */
  name?: string;
  /** Most tensors a file may hold (default {@link MAX_TENSORS}); more is an error. */
  maxTensors?: number;
}

/** What `parseSafetensors` returns: the tensors by name and the `__metadata__` strings. */
export interface SafetensorsContents {
  /** The tensors by name, in header order. */
  tensors: TensorDict;
  /** The `__metadata__` string pairs (empty when the file has none). */
  metadata: Record<string, string>;
}

/** The metadata entry that holds the structure of a nested state (see the module doc). */
export const TREE_METADATA_KEY = "edgetorch.tree";

/** Largest header accepted, as the reference implementation (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
const MAX_HEADER = MAX_HEADER_BYTES;
/**
 * Most tensors a file may hold by default (`LoadOptions.maxTensors` changes it). Real checkpoints
 * hold thousands; a header of many tiny entries otherwise makes the reader build millions of
 * objects (a 56 MB header of empty tensors took 17 s and 1.9 GB).
 */
export const MAX_TENSORS = 100_000;
/** JSON values a header may hold per tensor allowed (an entry of rank 8 has 14), plus metadata. */
const VALUES_PER_TENSOR = 16;
/** Most dimensions of a tensor in a file. */
const MAX_RANK = 64;

/** Bytes per element of each safetensors dtype. */
const DTYPE_SIZE: Record<SafetensorsDType, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};
/** The reference implementation's dtype order (its enum order); files list larger ranks first. */
const DTYPE_RANK: Record<string, number> = {
  BOOL: 0,
  U8: 1,
  I8: 2,
  F8_E5M2: 3,
  F8_E4M3: 4,
  I16: 5,
  U16: 6,
  F16: 7,
  BF16: 8,
  I32: 9,
  U32: 10,
  F32: 11,
  F64: 12,
  I64: 13,
  U64: 14,
};
const SAVE_DTYPE: Record<DType, SafetensorsDType> = {
  float32: "F32",
  float64: "F64",
  float16: "F16",
  int32: "I32",
  uint8: "U8",
  bool: "BOOL",
};

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Writing

interface Entry {
  name: string;
  tensor: Tensor;
  dtype: SafetensorsDType;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (typeof v !== "object") return typeof v;
  return (v as object).constructor?.name ?? "object";
}

/**
 * Splits a state into its tensors (by name) and, for nested states, the JSON skeleton.
 * A plain object whose values are all tensors is flat: no skeleton.
 */
/**
 * The error for a model, optimizer or scheduler given where its state belongs (PyTorch programs
 * write `torch.save(model, path)`): it names the object and suggests `stateDict()`. Null for other
 * values.
 */
function stateOwnerError(op: string, v: unknown, where: string): TypeError | null {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) return null;
  if (typeof (v as { stateDict?: unknown }).stateDict !== "function") return null;
  const name = (v as object).constructor?.name ?? "object";
  const isModule = typeof (v as { forward?: unknown }).forward === "function";
  const article = /^[AEIOU]/.test(name) ? "an" : "a";
  const what = isModule ? `${article} ${name} module` : `${article} ${name}`;
  const variable = isModule
    ? "model"
    : name.endsWith("LR") || name.includes("Scheduler")
    ? "scheduler"
    : "optimizer";
  return new TypeError(
    `${op}: got ${what}${
      where ? ` at ${where}` : ""
    }; edgetorch saves states, not objects (safetensors holds ` +
      `tensors): save \`${variable}.stateDict()\` (e.g. \`await torch.save(${variable}.stateDict(), path)\`) and ` +
      `restore it with \`${variable}.loadStateDict(...)\` on a new ${name}`,
  );
}

function flattenState(op: string, state: unknown): { entries: Entry[]; tree: string | null } {
  const ownerError = stateOwnerError(op, state, "");
  if (ownerError) throw ownerError;
  if (!isPlainObject(state) && !Array.isArray(state)) {
    throw new TypeError(
      `${op}: expected a state dict (a plain object of tensors, or nested objects and arrays of them), got ${
        describeValue(state)
      }`,
    );
  }
  const entries: Entry[] = [];
  const names = new Map<string, string>(); // tensor name -> path description
  const addTensor = (name: string, t: Tensor, where: string) => {
    if (name === "__metadata__") {
      throw new Error(`${op}: "__metadata__" is reserved and cannot name a tensor`);
    }
    if (names.has(name)) {
      throw new Error(
        `${op}: two tensors would be stored under the key "${name}" (${
          names.get(name)
        } and ${where}); rename one`,
      );
    }
    if (t.isDisposed) throw new Error(`${op}: tensor "${name}" was disposed (its storage was released)`);
    names.set(name, where);
    entries.push({ name, tensor: t, dtype: SAVE_DTYPE[t.dtype] });
  };
  if (isPlainObject(state) && Object.values(state).every((v) => v instanceof Tensor)) {
    for (const [k, v] of Object.entries(state)) addTensor(k, v as Tensor, `key ${JSON.stringify(k)}`);
    return { entries, tree: null };
  }
  const seen = new Set<object>();
  const encode = (v: unknown, path: string[]): unknown => {
    const where = path.length ? path.join(".") : "the root";
    if (v instanceof Tensor) {
      addTensor(path.join("."), v, where);
      return { $t: path.join(".") };
    }
    if (typeof v === "number") return Number.isFinite(v) ? v : { $n: String(v) };
    if (typeof v === "string" || typeof v === "boolean" || v === null) return v;
    if (Array.isArray(v) || isPlainObject(v)) {
      if (seen.has(v)) throw new TypeError(`${op}: the state contains a cycle at ${where}`);
      seen.add(v);
      let out: unknown;
      if (Array.isArray(v)) out = v.map((x, i) => (x === undefined ? null : encode(x, [...path, String(i)])));
      else {
        const obj: Record<string, unknown> = {};
        let special = false;
        for (const [k, x] of Object.entries(v)) {
          if (x === undefined) continue;
          if (k.startsWith("$")) special = true;
          Object.defineProperty(obj, k, { value: encode(x, [...path, k]), enumerable: true, writable: true });
        }
        out = special ? { $o: obj } : obj;
      }
      seen.delete(v);
      return out;
    }
    throw stateOwnerError(op, v, where) ?? new TypeError(
      `${op}: cannot save a value of type ${describeValue(v)} at ${where} ` +
        `(supported: Tensor, number, string, boolean, null, arrays and plain objects)`,
    );
  };
  const skeleton = encode(state, []);
  return { entries, tree: JSON.stringify(skeleton) };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function rawBytes(values: TypedArray): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN || values.BYTES_PER_ELEMENT === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  const w = values.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += w) for (let j = 0; j < w; j++) out[i + j] = bytes[i + w - 1 - j];
  return out;
}

function checkMetadata(op: string, metadata: unknown, tree: string | null): [string, string][] {
  if (metadata === undefined) return [];
  if (!isPlainObject(metadata)) throw new TypeError(`${op}: metadata must be a plain object of strings`);
  const pairs = Object.entries(metadata);
  for (const [k, v] of pairs) {
    if (typeof v !== "string") {
      throw new TypeError(
        `${op}: metadata values must be strings (safetensors stores a string map); "${k}" is ${typeof v}`,
      );
    }
    if (k === TREE_METADATA_KEY && tree !== null) {
      throw new Error(`${op}: the metadata key "${TREE_METADATA_KEY}" is reserved for nested states`);
    }
  }
  return pairs as [string, string][];
}

/** Orders entries as the reference writer: larger dtype rank first, then by UTF-8 bytes of the name. */
function sortEntries(entries: Entry[]): Entry[] {
  const keyed = entries.map((e) => ({ e, name: utf8.encode(e.name) }));
  keyed.sort((a, b) => DTYPE_RANK[b.e.dtype] - DTYPE_RANK[a.e.dtype] || compareBytes(a.name, b.name));
  return keyed.map((k) => k.e);
}

function assemble(entries: Entry[], raws: Uint8Array[], metadata: [string, string][]): Uint8Array {
  const parts: string[] = [];
  if (metadata.length) {
    const sorted = [...metadata].sort((a, b) => compareBytes(utf8.encode(a[0]), utf8.encode(b[0])));
    parts.push(
      `"__metadata__":{${sorted.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`,
    );
  }
  let offset = 0;
  entries.forEach((e, i) => {
    const n = raws[i].length;
    parts.push(
      `${JSON.stringify(e.name)}:{"dtype":"${e.dtype}","shape":[${e.tensor.shape.join(",")}],` +
        `"data_offsets":[${offset},${offset + n}]}`,
    );
    offset += n;
  });
  return frameSafetensors(`{${parts.join(",")}}`, raws);
}

/**
 * The bytes of a safetensors file from its header text and data: the 8-byte little-endian header
 * length, the header padded with spaces to a multiple of 8 (as the reference writer), then the
 * data parts in order. The writer of `saveBytes`; the header is not checked here (tests build
 * corrupt files with it).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { frameSafetensors, loadBytes } from "./safetensors.ts";
 * const data = new Uint8Array(new Float32Array([1, 2]).buffer);
 * const file = frameSafetensors('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', [data]);
 * assertEquals(loadBytes(file).w.toArray(), [1, 2]);
 * ```
 */
export function frameSafetensors(header: string, data: readonly Uint8Array[]): Uint8Array {
  let h = utf8.encode(header);
  const pad = (8 - (h.length % 8)) % 8;
  if (pad) {
    const padded = new Uint8Array(h.length + pad).fill(0x20);
    padded.set(h);
    h = padded;
  }
  let dataLen = 0;
  for (const d of data) dataLen += d.length;
  const out = new Uint8Array(8 + h.length + dataLen);
  const view = new DataView(out.buffer);
  view.setUint32(0, h.length, true);
  view.setUint32(4, Math.floor(h.length / 2 ** 32), true);
  out.set(h, 8);
  let pos = 8 + h.length;
  for (const r of data) {
    out.set(r, pos);
    pos += r.length;
  }
  return out;
}

function prepare(op: string, state: object, opts: SaveOptions) {
  const { entries, tree } = flattenState(op, state);
  const metadata = checkMetadata(op, opts.metadata, tree);
  if (tree !== null) metadata.push([TREE_METADATA_KEY, tree]);
  return { entries: sortEntries(entries), metadata };
}

/** The elements of a CPU tensor, read now (only its view's range when it is contiguous). */
function cpuBytes(t: Tensor): Uint8Array {
  const cpu = backendFor("cpu");
  if (t.isContiguous()) return rawBytes(cpu.readSync(t._storage, t._offset, t.numel()));
  return rawBytes(cpu.readSync(contiguousStorage(t)));
}

/**
 * The elements of every entry as they are at the call: CPU tensors are read at once; GPU tensors
 * are copied on the device, all in one batch before the caller's next op, and the copies read
 * afterwards. So a checkpoint saved while training goes on holds one step's values, never a mix.
 */
function snapshot(entries: readonly Entry[]): Promise<Uint8Array>[] {
  return entries.map((e) => {
    const t = e.tensor;
    if (t.device === "cpu") return Promise.resolve(cpuBytes(t));
    const backend = backendFor(t.device);
    let copy: Storage = contiguousStorage(t);
    if (copy === t._storage) copy = backend.cast(copy, copy.dtype);
    const read = backend.read(copy);
    return read.then(rawBytes).finally(() => copy.dispose());
  });
}

/**
 * Serializes a state to safetensors bytes, synchronously (tensors must be on the CPU; use
 * `save` or `saveBytesAsync`, which read any device, for GPU tensors). `state` is a flat
 * `Record<string, Tensor>` (a `stateDict()`) or a nested state: plain objects and arrays of
 * {@link StateValue}s, such as an optimizer's `stateDict()` or a checkpoint object (see the
 * module doc). Other values (functions, Maps, typed arrays, cycles) are errors naming their path.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { loadBytes, saveBytes } from "./safetensors.ts";
 * const bytes = saveBytes({ "linear.weight": torch.ones(2, 3), "linear.bias": torch.zeros(2) });
 * const sd = loadBytes(bytes);
 * assertEquals(sd["linear.weight"].shape, [2, 3]);
 * ```
 */
export function saveBytes(state: object, opts: SaveOptions = {}): Uint8Array {
  const { entries, metadata } = prepare("saveBytes", state, opts);
  const raws = entries.map((e) => {
    if (e.tensor.device !== "cpu") {
      throw new Error(
        `saveBytes: tensor "${e.name}" is on device "${e.tensor.device}"; reading it is asynchronous: use ` +
          "`await saveBytesAsync(...)` or `await save(...)`",
      );
    }
    return cpuBytes(e.tensor);
  });
  return assemble(entries, raws, metadata);
}

/**
 * Like `saveBytes`, for tensors on any device (GPU tensors are read asynchronously). The values
 * saved are those at the call: training may go on while the bytes are read.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { saveBytesAsync } from "./safetensors.ts";
 * const bytes = await saveBytesAsync({ w: torch.ones(2) });
 * assertEquals(bytes.length % 8, 0);
 * ```
 */
export function saveBytesAsync(state: object, opts: SaveOptions = {}): Promise<Uint8Array> {
  return serializeAsync("saveBytesAsync", state, opts);
}

/** `saveBytesAsync` reporting errors as `op`: every tensor is snapshotted at the call. */
async function serializeAsync(op: string, state: object, opts: SaveOptions): Promise<Uint8Array> {
  const { entries, metadata } = prepare(op, state, opts);
  const reads = snapshot(entries);
  const settled = await Promise.allSettled(reads);
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return assemble(entries, settled.map((r) => (r as PromiseFulfilledResult<Uint8Array>).value), metadata);
}

/**
 * Writes a state to a safetensors file (PyTorch reads it with `safetensors.torch.load_file`).
 * Works in Deno (`Deno.writeFile`) and Bun/Node (`node:fs/promises`). The values saved are
 * those at the call (see `saveBytesAsync`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { load, save } from "./safetensors.ts";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await save({ w: torch.tensor([1, 2, 3]) }, path);
 * const sd = await load(path);
 * assertEquals(sd.w.toArray(), [1, 2, 3]);
 * ```
 */
export async function save(state: object, path: PathLike, opts: SaveOptions = {}): Promise<void> {
  const bytes = await serializeAsync("save", state, opts);
  await writeFileBytes("save", path, bytes);
}

// ---------------------------------------------------------------------------------------------
// Reading

interface Parsed {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function describeJson(v: JsonValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * The header length stored in a file's first 8 bytes (of a file of `size` bytes), checked.
 */
function headerLength(first8: Uint8Array, size: number, what: string): number {
  const fail = (msg: string): never => {
    throw new Error(`${what}: ${msg}`);
  };
  if (size < 8) {
    fail(`file is ${size} bytes, too short for a safetensors file (it starts with an 8-byte header length)`);
  }
  const view = new DataView(first8.buffer, first8.byteOffset, 8);
  const lo = view.getUint32(0, true), hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > MAX_HEADER) {
    fail(
      `header length ${n} (first 8 bytes, little-endian) is larger than the 100 MB limit; this is not a safetensors ` +
        "file or it is corrupt",
    );
  }
  if (8 + n > size) {
    fail(
      `header length ${n} runs past the end of the file (${size} bytes); the file is truncated or corrupt`,
    );
  }
  if (n < 2) fail(`header length ${n} is too small for a JSON object`);
  return n;
}

/**
 * Parses and validates the header of a file of `size` bytes; `bytes` holds at least its first
 * 8 + header-length bytes.
 */
function readHeader(
  bytes: Uint8Array,
  what: string,
  size = bytes.length,
  maxTensors = MAX_TENSORS,
): { entries: Parsed[]; metadata: Record<string, string>; dataStart: number } {
  const fail = (msg: string): never => {
    throw new Error(`${what}: ${msg}`);
  };
  if (!Number.isSafeInteger(maxTensors) || maxTensors < 0) {
    throw new RangeError(`${what}: maxTensors must be a non-negative integer, got ${maxTensors}`);
  }
  const n = headerLength(bytes, size, what);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail("header is not valid UTF-8");
  }
  let header: JsonValue;
  const maxValues = VALUES_PER_TENSOR * maxTensors + 10_000;
  try {
    header = parseJsonStrict(text, 64, maxValues);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      if (e.message.startsWith(`more than ${maxValues} values`)) {
        return fail(
          `header holds more than ${maxValues} JSON values, too many for a file of at most ${maxTensors} ` +
            "tensors (the maxTensors option raises the limit)",
        );
      }
      return fail(`header is not valid JSON: ${e.message}`);
    }
    throw e;
  }
  if (!isJsonObject(header)) return fail("header must be a JSON object");
  const dataStart = 8 + n;
  const dataLen = size - dataStart;
  const count = Object.keys(header).length - (Object.hasOwn(header, "__metadata__") ? 1 : 0);
  if (count > maxTensors) {
    fail(
      `header holds ${count} tensors, more than the limit of ${maxTensors} (the maxTensors option raises it)`,
    );
  }
  const metadata: Record<string, string> = {};
  const entries: Parsed[] = [];
  for (const name of Object.keys(header)) {
    const info = header[name];
    if (name === "__metadata__") {
      if (!isJsonObject(info)) fail(`"__metadata__" must be an object of strings, got ${describeJson(info)}`);
      for (const [k, v] of Object.entries(info as JsonObject)) {
        if (typeof v !== "string") {
          fail(`"__metadata__" entry ${JSON.stringify(k)} must be a string, got ${describeJson(v)}`);
        }
        Object.defineProperty(metadata, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      continue;
    }
    const t = `tensor ${JSON.stringify(name)}`;
    if (!isJsonObject(info)) {
      fail(`${t}: expected an object with "dtype", "shape" and "data_offsets", got ${describeJson(info)}`);
    }
    const obj = info as JsonObject;
    for (const field of ["dtype", "shape", "data_offsets"]) {
      if (!(field in obj)) fail(`${t}: missing "${field}"`);
    }
    const dtype = obj.dtype;
    if (typeof dtype !== "string" || !Object.hasOwn(DTYPE_SIZE, dtype)) {
      fail(
        `${t}: unknown or unsupported dtype ${describeJson(dtype)} (supported: ${
          Object.keys(DTYPE_SIZE).join(", ")
        })`,
      );
    }
    const shape = obj.shape;
    if (
      !Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)
    ) {
      fail(`${t}: "shape" must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if ((shape as number[]).length > MAX_RANK) {
      fail(`${t}: "shape" has ${(shape as number[]).length} dimensions, more than ${MAX_RANK}`);
    }
    const offsets = obj.data_offsets;
    if (
      !Array.isArray(offsets) || offsets.length !== 2 ||
      offsets.some((d) => typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)
    ) {
      fail(
        `${t}: "data_offsets" must be [begin, end] with non-negative integers, got ${
          JSON.stringify(offsets)
        }`,
      );
    }
    const [begin, end] = offsets as number[];
    if (end < begin) fail(`${t}: data_offsets [${begin}, ${end}] end before they begin`);
    if (end > dataLen) {
      fail(
        `${t}: data_offsets [${begin}, ${end}] run past the end of the data (${dataLen} bytes after the header); ` +
          "the file is truncated or the offsets are wrong",
      );
    }
    const size = DTYPE_SIZE[dtype as SafetensorsDType];
    let nbytes = (shape as number[]).includes(0) ? 0 : size;
    for (const d of shape as number[]) nbytes = Math.min(nbytes * d, 2 ** 60);
    if (nbytes !== end - begin) {
      fail(
        `${t}: shape ${fmtShape(shape as number[])} of ${dtype} needs ${
          nbytes > Number.MAX_SAFE_INTEGER ? "more than 2^53" : nbytes
        } bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
      );
    }
    entries.push({ name, dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end });
  }
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Parsed | null = null;
  for (const e of byOffset) {
    if (e.begin < pos) {
      fail(
        `tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap tensor ${
          JSON.stringify(prev!.name)
        } [${prev!.begin}, ${prev!.end}]`,
      );
    }
    if (e.begin > pos) {
      fail(
        `tensor ${
          JSON.stringify(e.name)
        }: data_offsets [${e.begin}, ${e.end}] leave a gap after byte ${pos} ` +
          "(tensor data must be contiguous from offset 0)",
      );
    }
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLen) {
    fail(
      `the tensors cover ${pos} data bytes but the file has ${dataLen} after the header (${dataLen - pos} ` +
        "unexpected trailing bytes)",
    );
  }
  return { entries, metadata, dataStart };
}

/** The CPU storage of `values`, taken over without a copy where the backend can. */
function makeTensor(values: TypedArray, dtype: DType, shape: readonly number[]): Tensor {
  const cpu = backendFor("cpu") as ReturnType<typeof backendFor> & {
    adopt?: (data: TypedArray, dtype: DType) => Storage;
  };
  const storage = typeof cpu.adopt === "function" ? cpu.adopt(values, dtype) : cpu.fromTyped(values, dtype);
  return new Tensor(storage, shape);
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

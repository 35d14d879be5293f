/**
 * Writing safetensors: `saveBytes`, `saveBytesAsync`, `save` and `frameSafetensors`. States are
 * flattened to named tensors (nested ones keep their structure as JSON in the metadata) and laid
 * out byte for byte as the reference writer does.
 * @module
 */
import { viewAsReal } from "../complex/core.ts";
import type { Storage } from "../backends/backend.ts";
import { backendFor } from "../backends/registry.ts";
import type { TypedArray } from "../dtype.ts";
import { contiguousStorage } from "../ops/dispatch.ts";
import { Tensor } from "../tensor.ts";
import { type PathLike, writeFileBytes } from "./fs.ts";
import {
  describeValue,
  DTYPE_RANK,
  LITTLE_ENDIAN,
  type SafetensorsDType,
  SAVE_DTYPE,
  type SaveOptions,
  TREE_METADATA_KEY,
} from "./safetensors_format.ts";

const utf8 = new TextEncoder();

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

/**
 * Splits a state into its tensors (by name) and, for nested states, the JSON skeleton.
 * A plain object whose values are all tensors is flat: no skeleton.
 */
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
  if (t.dtype === "complex64") t = viewAsReal(t.detach()); // C64: the float32 (re, im) pairs
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
    // complex64 is saved as C64: its float32 (re, im) pairs, the same bytes.
    const t = e.tensor.dtype === "complex64" ? viewAsReal(e.tensor.detach()) : e.tensor;
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

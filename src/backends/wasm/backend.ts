/**
 * The CPU backend: AssemblyScript kernels compiled to SIMD WebAssembly (see `assembly/`).
 *
 * Memory model ("simple safe start" of the design): every storage is a JavaScript typed array
 * owned by the garbage collector, so dropped tensors are reclaimed without `dispose()`. A kernel
 * call stages its operands into a scratch region of the wasm linear memory (a bump layout that is
 * reset on every call and grown on demand), runs the wasm export and copies the result out into a
 * new typed array. The scratch region grows to the largest call's needs and is reused (wasm memory
 * cannot shrink); only the touched range of a strided view is staged. The choice is private to
 * this file, so a later design that keeps hot tensors resident in wasm memory can replace it behind
 * the same {@link Backend} interface.
 *
 * The module is instantiated synchronously from bytes embedded in the generated modules; the
 * relaxed-SIMD build is used where the runtime validates it, the plain-SIMD build otherwise.
 * @module
 */
import {
  ARITHMETIC_OPS,
  type Backend,
  type BinaryOp,
  COMPARISON_OPS,
  type MatmulArgs,
  type Operand,
  REDUCE_OPS,
  type ReduceOp,
  type Storage,
  UNARY_OPS,
  type UnaryOp,
} from "../backend.ts";
import { type ComputeDType, type DType, ITEM_SIZE, type TypedArray, typedArrayFor } from "../../dtype.ts";
import type { AvgPoolOptions, Conv2dGeometry, Pool2dGeometry } from "../backend.ts";
import { decodeBase64 } from "./base64.ts";
import { WASM_BASE64 as RELAXED_BASE64 } from "./kernels_relaxed.generated.ts";
import { WASM_BASE64 as SIMD_BASE64 } from "./kernels_simd.generated.ts";

/** Which build of the kernels runs: relaxed SIMD (fused multiply-add) or plain SIMD. */
export type WasmVariant = "relaxed" | "simd";

/** Options of {@link WasmBackend}. */
export interface WasmBackendOptions {
  /** Force a build; by default relaxed SIMD where the runtime supports it, else plain SIMD. */
  variant?: WasmVariant;
}

const TYPED_CTOR = {
  float32: Float32Array,
  int32: Int32Array,
  float16: Uint16Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

/** A CPU storage: a typed array owned by JavaScript (garbage collected). */
export class WasmStorage implements Storage {
  readonly device = "cpu" as const;
  readonly dtype: DType;
  readonly numel: number;
  #data: TypedArray;
  #disposed = false;

  /** Wraps `data` without copying; the storage owns it from now on. */
  constructor(dtype: DType, data: TypedArray) {
    this.dtype = dtype;
    this.numel = data.length;
    this.#data = data;
  }

  /** The elements, in place (no copy). Throws once disposed. */
  get data(): TypedArray {
    if (this.#disposed) {
      throw new Error(`cpu ${this.dtype} storage of ${this.numel} elements: storage was disposed`);
    }
    return this.#data;
  }

  /** True once {@link dispose} has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Drops the reference to the elements now (the GC reclaims them); idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#data = typedArrayFor(this.dtype, 0);
  }
}

type KernelFn = (...args: number[]) => number;
interface Kernels {
  readonly memory: WebAssembly.Memory;
  readonly [name: string]: KernelFn | WebAssembly.Memory;
}

const MODULES: Partial<Record<WasmVariant, WebAssembly.Module>> = {};

function detectVariant(): WasmVariant {
  return WebAssembly.validate(decodeBase64(RELAXED_BASE64)) ? "relaxed" : "simd";
}

function moduleFor(variant: WasmVariant): WebAssembly.Module {
  let m = MODULES[variant];
  if (!m) {
    const bytes = decodeBase64(variant === "relaxed" ? RELAXED_BASE64 : SIMD_BASE64);
    m = new WebAssembly.Module(bytes);
    MODULES[variant] = m;
  }
  return m;
}

const PAGE = 65536;
const MAX_BYTES = 4 * 1024 * 1024 * 1024; // wasm32 limit

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/**
 * Scratch region of the wasm memory: a bump allocator reset on each kernel call. All
 * allocations of a call happen before any view is taken (growing detaches old views).
 */
class Scratch {
  readonly #mem: WebAssembly.Memory;
  readonly #base: number;
  #top: number;

  constructor(mem: WebAssembly.Memory, base: number) {
    this.#mem = mem;
    this.#base = align16(base);
    this.#top = this.#base;
  }

  reset(): void {
    this.#top = this.#base;
  }

  /** Reserves `bytes` (16-byte aligned, padded to a multiple of 16); returns the address. */
  alloc(bytes: number): number {
    const p = this.#top;
    const end = p + align16(Math.max(bytes, 0));
    if (end > MAX_BYTES) {
      throw new RangeError(`cpu backend: a kernel needs ${end} bytes of scratch, over the 4 GiB wasm limit`);
    }
    const have = this.#mem.buffer.byteLength;
    if (end > have) {
      // Grow geometrically so that a sequence of growing ops does not grow every call.
      const want = Math.min(MAX_BYTES, Math.max(end, Math.min(have * 1.5, have + 256 * 1024 * 1024)));
      try {
        this.#mem.grow(Math.ceil((want - have) / PAGE));
      } catch {
        // The geometric step may not fit; the exact need might.
        try {
          this.#mem.grow(Math.ceil((end - have) / PAGE));
        } catch (e) {
          const msg = `cpu backend: cannot grow wasm memory to ${end} bytes for a kernel's operands`;
          throw new RangeError(msg, { cause: e });
        }
      }
    }
    this.#top = end;
    return p;
  }

  get buffer(): ArrayBuffer {
    return this.#mem.buffer as ArrayBuffer;
  }
}

function checkStorage(op: string, s: Storage): WasmStorage {
  if (!(s instanceof WasmStorage)) {
    throw new TypeError(`${op}: expected a cpu storage, got a ${s.device} storage`);
  }
  if (s.disposed) {
    throw new Error(`${op}: cpu ${s.dtype} storage of ${s.numel} elements: storage was disposed`);
  }
  return s;
}

function checkCompute(op: string, dtype: DType): ComputeDType {
  if (dtype !== "float32" && dtype !== "int32") {
    throw new TypeError(`${op}: kernels compute in float32 or int32, got ${dtype}`);
  }
  return dtype;
}

function checkCount(op: string, what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${op}: ${what} must be a non-negative integer, got ${n}`);
  }
}

const SUFFIX: Record<ComputeDType, string> = { float32: "f32", int32: "i32" };
const CAST_NAME: Record<DType, string> = {
  float32: "f32",
  float16: "f16",
  int32: "i32",
  uint8: "u8",
  bool: "bool",
};
const X_NAME: Record<number, string> = { 1: "x8", 2: "x16", 4: "x32" };

/** Converts one number to IEEE half bits (round to nearest even), as the float16 cast kernel. */
function f16Bits(value: number): number {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  f[0] = value;
  const w = u[0];
  const sign = (w >>> 16) & 0x8000;
  const shl1 = (w << 1) >>> 0;
  if (shl1 > 0xff000000) return sign | 0x7e00;
  // All arithmetic in float32, as the kernel: the first product overflows to infinity when
  // |value| is too large for half, and adding the bias rounds to the half's precision.
  const base = Math.fround(Math.fround(Math.abs(f[0]) * 5.192296858534828e33) * 7.703719777548943e-34);
  let bias = (shl1 & 0xff000000) >>> 0;
  if (bias < 0x71000000) bias = 0x71000000;
  u[0] = ((bias >>> 1) + 0x07800000) >>> 0;
  f[0] = f[0] + base;
  const bits = u[0];
  return sign | (((bits >>> 13) & 0x7c00) + (bits & 0x0fff));
}

/** The CPU backend (see the module documentation for its memory model). */
export class WasmBackend implements Backend {
  readonly device = "cpu" as const;
  /** The kernel build in use. */
  readonly variant: WasmVariant;
  readonly #k: Kernels;
  readonly #scratch: Scratch;

  constructor(options: WasmBackendOptions = {}) {
    this.variant = options.variant ?? detectVariant();
    const instance = new WebAssembly.Instance(moduleFor(this.variant), {
      env: {
        abort(_msg: number, _file: number, line: number, col: number) {
          throw new Error(`cpu backend: wasm kernel aborted at ${line}:${col}`);
        },
      },
    });
    this.#k = instance.exports as unknown as Kernels;
    this.#scratch = new Scratch(this.#k.memory, (this.#k.heap_base as KernelFn)());
  }

  #fn(name: string): KernelFn {
    const f = this.#k[name];
    if (typeof f !== "function") throw new Error(`cpu backend: missing wasm kernel ${name}`);
    return f as KernelFn;
  }

  /** Copies `data` into freshly allocated scratch; returns its address. */
  #stage(data: TypedArray, from = 0, to = data.length): number {
    const p = this.#scratch.alloc((to - from) * data.BYTES_PER_ELEMENT);
    this.#view(data, p, to - from).set(data.subarray(from, to));
    return p;
  }

  #view(like: TypedArray | DType, ptr: number, n: number): TypedArray {
    const Ctor = typeof like === "string" ? TYPED_CTOR[like] : (like.constructor as typeof Float32Array);
    return new Ctor(this.#scratch.buffer, ptr, n);
  }

  /** Copies `n` elements of `dtype` out of scratch into a new storage. */
  #result(dtype: DType, ptr: number, n: number): WasmStorage {
    return new WasmStorage(dtype, this.#view(dtype, ptr, n).slice());
  }

  /** Wraps `data` as a storage without copying (the storage takes ownership). */
  adopt(data: TypedArray, dtype: DType): WasmStorage {
    this.#checkTyped("adopt", data, dtype);
    return new WasmStorage(dtype, data);
  }

  #checkTyped(op: string, data: TypedArray, dtype: DType): void {
    const Ctor = TYPED_CTOR[dtype];
    if (!Ctor) throw new TypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}`);
    if (!(data instanceof Ctor)) {
      throw new TypeError(
        `${op}: ${dtype} needs a ${Ctor.name}, got ${data?.constructor?.name ?? typeof data}`,
      );
    }
  }

  fromTyped(data: TypedArray, dtype: DType): WasmStorage {
    this.#checkTyped("fromTyped", data, dtype);
    return new WasmStorage(dtype, data.slice());
  }

  full(dtype: DType, numel: number, value: number): WasmStorage {
    checkCount("full", "numel", numel);
    const out = typedArrayFor(dtype, numel);
    if (numel > 0) {
      if (dtype === "bool") out.fill(value !== 0 ? 1 : 0);
      else if (dtype === "float16") out.fill(f16Bits(value));
      else if (dtype === "int32" || dtype === "uint8") {
        out.fill(Number.isFinite(value) ? Math.trunc(value) : 0);
      } else out.fill(value);
    }
    return new WasmStorage(dtype, out);
  }

  readSync(s: Storage): TypedArray {
    return checkStorage("readSync", s).data.slice();
  }

  read(s: Storage): Promise<TypedArray> {
    try {
      return Promise.resolve(this.readSync(s));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  copy(
    src: Storage,
    srcOffset: number,
    srcStrides: readonly number[],
    dst: Storage,
    dstOffset: number,
    dstStrides: readonly number[],
    shape: readonly number[],
  ): void {
    const s = checkStorage("copy", src), d = checkStorage("copy", dst);
    if (s.dtype !== d.dtype) throw new TypeError(`copy: dtypes differ (${s.dtype} and ${d.dtype})`);
    const rank = shape.length;
    if (srcStrides.length !== rank || dstStrides.length !== rank) {
      throw new RangeError(
        `copy: shape [${shape}] needs ${rank} strides, got [${srcStrides}] and [${dstStrides}]`,
      );
    }
    let numel = 1;
    for (const n of shape) {
      checkCount("copy", "every dimension", n);
      numel *= n;
    }
    if (numel === 0) return;
    // Merge dimensions: drop size-1 dims, join neighbours contiguous on both sides.
    const dims: { n: number; s: number; d: number }[] = [];
    for (let i = 0; i < rank; i++) {
      if (shape[i] === 1) continue;
      const cur = { n: shape[i], s: srcStrides[i], d: dstStrides[i] };
      const prev = dims[dims.length - 1];
      if (prev && prev.s === cur.s * cur.n && prev.d === cur.d * cur.n) {
        prev.n *= cur.n;
        prev.s = cur.s;
        prev.d = cur.d;
      } else {
        dims.push(cur);
      }
    }
    // Element ranges touched on both sides (validated: bad strides never write out of bounds).
    let sMin = srcOffset, sMax = srcOffset, dMin = dstOffset, dMax = dstOffset;
    for (const { n, s: ss, d: ds } of dims) {
      if (ss >= 0) sMax += ss * (n - 1);
      else sMin += ss * (n - 1);
      if (ds >= 0) dMax += ds * (n - 1);
      else dMin += ds * (n - 1);
    }
    if (!Number.isSafeInteger(sMin) || sMin < 0 || sMax >= s.numel) {
      throw new RangeError(
        `copy: source view [${shape}] at offset ${srcOffset} exceeds the storage (${s.numel} elements)`,
      );
    }
    if (!Number.isSafeInteger(dMin) || dMin < 0 || dMax >= d.numel) {
      throw new RangeError(
        `copy: destination view [${shape}] at offset ${dstOffset} exceeds the storage (${d.numel} elements)`,
      );
    }
    const sData = s.data, dData = d.data;
    // JavaScript fast paths: one contiguous run, or a broadcast of one value.
    if (dims.length === 0) {
      dData[dstOffset] = sData[srcOffset];
      return;
    }
    if (dims.length === 1 && dims[0].d === 1 && (dims[0].s === 1 || dims[0].s === 0)) {
      if (dims[0].s === 1) dData.set(sData.subarray(srcOffset, srcOffset + dims[0].n), dstOffset);
      else dData.fill(sData[srcOffset], dstOffset, dstOffset + dims[0].n);
      return;
    }
    if (dims.length > 64) {
      throw new RangeError(`copy: at most 64 dimensions are supported, got ${dims.length}`);
    }
    // Does the destination view cover its range densely? Then its old contents need no staging.
    const byD = dims.map((x) => ({ n: x.n, a: Math.abs(x.d) })).sort((x, y) => x.a - y.a);
    let expect = 1, dense = true;
    for (const x of byD) {
      if (x.a !== expect) {
        dense = false;
        break;
      }
      expect *= x.n;
    }
    const size = ITEM_SIZE[s.dtype];
    const sc = this.#scratch;
    sc.reset();
    const sp = this.#stage(sData, sMin, sMax + 1);
    const dLen = dMax - dMin + 1;
    const dp = dense ? sc.alloc(dLen * size) : this.#stage(dData, dMin, dMax + 1);
    const meta = sc.alloc(dims.length * 12);
    const m = new Int32Array(sc.buffer, meta, dims.length * 3);
    dims.forEach((x, i) => {
      m[i] = x.n;
      m[dims.length + i] = x.s;
      m[2 * dims.length + i] = x.d;
    });
    this.#fn(`copy_${X_NAME[size]}`)(
      sp + (srcOffset - sMin) * size,
      dp + (dstOffset - dMin) * size,
      dims.length,
      meta,
      meta + dims.length * 4,
      meta + dims.length * 8,
    );
    dData.set(this.#view(dData, dp, dLen), dMin);
  }

  cast(x: Storage, to: DType): WasmStorage {
    const s = checkStorage("cast", x);
    if (!(to in TYPED_CTOR)) throw new TypeError(`cast: unknown dtype ${JSON.stringify(to)}`);
    const from = s.dtype;
    if (from === to || (from === "bool" && to === "uint8")) return new WasmStorage(to, s.data.slice());
    const n = s.numel;
    if (n === 0) return new WasmStorage(to, typedArrayFor(to, 0));
    const sc = this.#scratch;
    sc.reset();
    const xp = this.#stage(s.data);
    const op = sc.alloc(n * ITEM_SIZE[to]);
    const fromName = from === "bool" ? "u8" : CAST_NAME[from];
    this.#fn(`cast_${fromName}_${CAST_NAME[to]}`)(xp, op, n);
    return this.#result(to, op, n);
  }

  unary(op: UnaryOp, x: Storage): WasmStorage {
    const s = checkStorage("unary", x);
    const dtype = checkCompute(op, s.dtype);
    if (!(UNARY_OPS as readonly string[]).includes(op)) {
      throw new TypeError(`unary: unknown op ${JSON.stringify(op)}`);
    }
    if (dtype === "int32" && op !== "neg" && op !== "abs" && op !== "sign" && op !== "relu") {
      throw new TypeError(`${op}: not supported for int32 (the front end computes it in float32)`);
    }
    const n = s.numel;
    if (n === 0) return new WasmStorage(dtype, typedArrayFor(dtype, 0));
    const sc = this.#scratch;
    sc.reset();
    const xp = this.#stage(s.data);
    const out = sc.alloc(n * 4);
    this.#fn(`${op}_${SUFFIX[dtype]}`)(xp, out, n);
    return this.#result(dtype, out, n);
  }

  binary(op: BinaryOp, a: Operand, b: Operand, numel: number, dtype: ComputeDType): WasmStorage {
    checkCompute(op, dtype);
    checkCount(op, "numel", numel);
    const isCmp = (COMPARISON_OPS as readonly string[]).includes(op);
    if (!isCmp && !(ARITHMETIC_OPS as readonly string[]).includes(op)) {
      throw new TypeError(`binary: unknown op ${JSON.stringify(op)}`);
    }
    if (op === "div" && dtype === "int32") {
      throw new TypeError("div: int32 division is not a kernel (the front end divides in float32)");
    }
    const outDtype: DType = isCmp ? "bool" : dtype;
    if (numel === 0) return new WasmStorage(outDtype, typedArrayFor(outDtype, 0));
    const sc = this.#scratch;
    sc.reset();
    const place = (x: Operand, which: string): [number, number] => {
      if (typeof x === "number") {
        const p = sc.alloc(4);
        this.#view(dtype, p, 1)[0] = dtype === "int32" && !Number.isFinite(x) ? 0 : x;
        return [p, 1];
      }
      const st = checkStorage(op, x);
      if (st.dtype !== dtype) {
        throw new TypeError(`${op}: operand ${which} is ${st.dtype}, expected ${dtype}`);
      }
      const len = st.numel;
      if (len === 0 || numel % len !== 0) {
        throw new RangeError(`${op}: operand ${which} has ${len} elements, which does not tile ${numel}`);
      }
      return [this.#stage(st.data), len];
    };
    const [ap, aLen] = place(a, "a");
    // x op x (e.g. x * x) stages its operand once.
    const [bp, bLen] = b === a && typeof b !== "number" ? [ap, aLen] : place(b, "b");
    const out = sc.alloc(numel * ITEM_SIZE[outDtype]);
    this.#fn(`${op}_${SUFFIX[dtype]}`)(ap, aLen, bp, bLen, out, numel);
    return this.#result(outDtype, out, numel);
  }

  where(cond: Storage, a: Storage, b: Storage): WasmStorage {
    const c = checkStorage("where", cond), x = checkStorage("where", a), y = checkStorage("where", b);
    if (c.dtype !== "bool" && c.dtype !== "uint8") {
      throw new TypeError(`where: condition must be bool, got ${c.dtype}`);
    }
    if (x.dtype !== y.dtype) {
      throw new TypeError(`where: operands have different dtypes (${x.dtype} and ${y.dtype})`);
    }
    const n = c.numel;
    if (x.numel !== n || y.numel !== n) {
      throw new RangeError(`where: condition has ${n} elements but operands have ${x.numel} and ${y.numel}`);
    }
    if (n === 0) return new WasmStorage(x.dtype, typedArrayFor(x.dtype, 0));
    const sc = this.#scratch;
    sc.reset();
    const cp = this.#stage(c.data), ap = this.#stage(x.data), bp = this.#stage(y.data);
    const size = ITEM_SIZE[x.dtype];
    const out = sc.alloc(n * size);
    this.#fn(`where_${X_NAME[size]}`)(cp, ap, bp, out, n);
    return this.#result(x.dtype, out, n);
  }

  #checkLayout(op: string, s: WasmStorage, outer: number, len: number, inner: number): void {
    checkCount(op, "outer", outer);
    checkCount(op, "len", len);
    checkCount(op, "inner", inner);
    if (outer * len * inner !== s.numel) {
      throw new RangeError(`${op}: layout [${outer}, ${len}, ${inner}] does not match ${s.numel} elements`);
    }
  }

  reduce(op: ReduceOp, x: Storage, outer: number, len: number, inner: number): WasmStorage {
    const s = checkStorage(op, x);
    const dtype = checkCompute(op, s.dtype);
    if (!(REDUCE_OPS as readonly string[]).includes(op)) {
      throw new TypeError(`reduce: unknown op ${JSON.stringify(op)}`);
    }
    this.#checkLayout(op, s, outer, len, inner);
    const outDtype: ComputeDType = op === "argmax" || op === "argmin" ? "int32" : dtype;
    const n = outer * inner;
    if (n === 0) return new WasmStorage(outDtype, typedArrayFor(outDtype, 0));
    if (len === 0 && op !== "sum" && op !== "prod") {
      throw new RangeError(`${op}: cannot reduce an empty dimension (it has no identity)`);
    }
    const sc = this.#scratch;
    sc.reset();
    const xp = this.#stage(s.data);
    const out = sc.alloc(n * 4);
    this.#fn(`${op}_${SUFFIX[dtype]}`)(xp, out, outer, len, inner);
    return this.#result(outDtype, out, n);
  }

  cumsum(x: Storage, outer: number, len: number, inner: number): WasmStorage {
    const s = checkStorage("cumsum", x);
    const dtype = checkCompute("cumsum", s.dtype);
    this.#checkLayout("cumsum", s, outer, len, inner);
    const n = s.numel;
    if (n === 0) return new WasmStorage(dtype, typedArrayFor(dtype, 0));
    const sc = this.#scratch;
    sc.reset();
    const xp = this.#stage(s.data);
    const out = sc.alloc(n * 4);
    this.#fn(`cumsum_${SUFFIX[dtype]}`)(xp, out, outer, len, inner);
    return this.#result(dtype, out, n);
  }

  softmax(x: Storage, rows: number, cols: number, log: boolean): WasmStorage {
    const name = log ? "logSoftmax" : "softmax";
    const s = checkStorage(name, x);
    if (s.dtype !== "float32") throw new TypeError(`${name}: expected float32, got ${s.dtype}`);
    checkCount(name, "rows", rows);
    checkCount(name, "cols", cols);
    if (rows * cols !== s.numel) {
      throw new RangeError(`${name}: [${rows}, ${cols}] does not match ${s.numel} elements`);
    }
    const n = s.numel;
    if (n === 0) return new WasmStorage("float32", new Float32Array(0));
    const sc = this.#scratch;
    sc.reset();
    const xp = this.#stage(s.data);
    const out = sc.alloc(n * 4);
    this.#fn(log ? "logSoftmax_f32" : "softmax_f32")(xp, out, rows, cols);
    return this.#result("float32", out, n);
  }

  matmul(a: Storage, b: Storage, args: MatmulArgs): WasmStorage {
    const sa = checkStorage("matmul", a), sb = checkStorage("matmul", b);
    const dtype = checkCompute("matmul", sa.dtype);
    if (sb.dtype !== dtype) {
      throw new TypeError(`matmul: operands have different dtypes (${sa.dtype} and ${sb.dtype})`);
    }
    let { batch, m } = args;
    const { k, n, transA, transB } = args;
    let { aBatchStride, bBatchStride } = args;
    for (const [name, v] of Object.entries({ batch, m, k, n, aBatchStride, bBatchStride })) {
      checkCount("matmul", name, v);
    }
    const needA = batch === 0 ? 0 : (batch - 1) * aBatchStride + m * k;
    const needB = batch === 0 ? 0 : (batch - 1) * bBatchStride + k * n;
    if (needA > sa.numel || needB > sb.numel) {
      throw new RangeError(
        `matmul: operands of ${sa.numel} and ${sb.numel} elements are too small for batch ${batch} of ` +
          `[${m}, ${k}] @ [${k}, ${n}]`,
      );
    }
    const total = batch * m * n;
    if (total === 0) return new WasmStorage(dtype, typedArrayFor(dtype, 0));
    // A shared B with back-to-back A matrices is one taller product.
    if (batch > 1 && bBatchStride === 0 && !transA && aBatchStride === m * k) {
      m *= batch;
      batch = 1;
      aBatchStride = 0;
    }
    const sc = this.#scratch;
    sc.reset();
    const ap = this.#stage(sa.data, 0, needA);
    const bp = this.#stage(sb.data, 0, needB);
    const out = sc.alloc(total * 4);
    const suffix = SUFFIX[dtype];
    const work = sc.alloc(this.#fn(`matmul_${suffix}_workspace`)(m, k, n) >>> 0);
    this.#fn(`matmul_${suffix}`)(
      ap,
      bp,
      out,
      batch,
      m,
      k,
      n,
      aBatchStride,
      bBatchStride,
      transA ? 1 : 0,
      transB ? 1 : 0,
      work,
    );
    return this.#result(dtype, out, total);
  }

  #indexCheck(
    op: string,
    index: WasmStorage,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    indexIs1d: boolean,
  ): void {
    if (index.dtype !== "int32") throw new TypeError(`${op}: index must be int32, got ${index.dtype}`);
    checkCount(op, "outer", outer);
    checkCount(op, "len", len);
    checkCount(op, "inner", inner);
    checkCount(op, "idxLen", idxLen);
    const want = indexIs1d ? idxLen : outer * idxLen * inner;
    if (index.numel !== want) {
      throw new RangeError(`${op}: index has ${index.numel} elements, expected ${want}`);
    }
  }

  #throwBadIndex(op: string, index: WasmStorage, pos: number, len: number): never {
    throw new RangeError(`${op}: index ${index.data[pos]} is out of bounds for dimension with size ${len}`);
  }

  gather(
    x: Storage,
    index: Storage,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    indexIs1d: boolean,
  ): WasmStorage {
    const op = indexIs1d ? "indexSelect" : "gather";
    const s = checkStorage(op, x), idx = checkStorage(op, index);
    this.#checkLayout(op, s, outer, len, inner);
    this.#indexCheck(op, idx, outer, len, inner, idxLen, indexIs1d);
    const n = outer * idxLen * inner;
    if (n === 0) {
      // Still validate the indices (e.g. inner == 0 with a 1-d index).
      for (let i = 0; i < idx.numel; i++) {
        const v = idx.data[i];
        if (v < 0 || v >= len) this.#throwBadIndex(op, idx, i, len);
      }
      return new WasmStorage(s.dtype, typedArrayFor(s.dtype, 0));
    }
    const size = ITEM_SIZE[s.dtype];
    const sc = this.#scratch;
    sc.reset();
    const xp = this.#stage(s.data), ip = this.#stage(idx.data);
    const out = sc.alloc(n * size);
    const bad = this.#fn(`gather_${X_NAME[size]}`)(xp, ip, out, outer, len, inner, idxLen, indexIs1d ? 1 : 0);
    if (bad >= 0) this.#throwBadIndex(op, idx, bad, len);
    return this.#result(s.dtype, out, n);
  }

  scatterAdd(
    src: Storage,
    index: Storage,
    outer: number,
    len: number,
    inner: number,
    idxLen: number,
    indexIs1d: boolean,
  ): WasmStorage {
    const op = "scatterAdd";
    const s = checkStorage(op, src), idx = checkStorage(op, index);
    const dtype = checkCompute(op, s.dtype);
    this.#checkLayout(op, s, outer, idxLen, inner);
    this.#indexCheck(op, idx, outer, len, inner, idxLen, indexIs1d);
    const n = outer * len * inner;
    if (s.numel === 0 || n === 0) {
      for (let i = 0; i < idx.numel; i++) {
        const v = idx.data[i];
        if (v < 0 || v >= len) this.#throwBadIndex(op, idx, i, len);
      }
      return new WasmStorage(dtype, typedArrayFor(dtype, n));
    }
    const sc = this.#scratch;
    sc.reset();
    const sp = this.#stage(s.data), ip = this.#stage(idx.data);
    const out = sc.alloc(n * 4);
    const bad = this.#fn(`scatterAdd_${SUFFIX[dtype]}`)(
      sp,
      ip,
      out,
      outer,
      len,
      inner,
      idxLen,
      indexIs1d ? 1 : 0,
    );
    if (bad >= 0) this.#throwBadIndex(op, idx, bad, len);
    return this.#result(dtype, out, n);
  }

  // ---- convolution and pooling (assembly/conv.ts, assembly/pool.ts) ----

  #checkConvGeom(op: string, g: Conv2dGeometry): number {
    for (const k of ["batch", "channels", "height", "width", "padH", "padW", "outH", "outW"] as const) {
      checkCount(op, k, g[k]);
    }
    for (
      const k of ["groups", "kernelH", "kernelW", "strideH", "strideW", "dilationH", "dilationW"] as const
    ) {
      checkCount(op, k, g[k]);
      if (g[k] < 1) throw new RangeError(`${op}: ${k} must be at least 1, got ${g[k]}`);
    }
    if (g.channels % g.groups !== 0) {
      throw new RangeError(`${op}: ${g.channels} channels are not divisible by ${g.groups} groups`);
    }
    const reachH = (g.outH - 1) * g.strideH + (g.kernelH - 1) * g.dilationH + g.height;
    const reachW = (g.outW - 1) * g.strideW + (g.kernelW - 1) * g.dilationW + g.width;
    if (reachH >= 2 ** 31 || reachW >= 2 ** 31) throw new RangeError(`${op}: geometry too large`);
    return (g.channels / g.groups) * g.kernelH * g.kernelW + (g.onesRow ? 1 : 0);
  }

  #convArgs(g: Conv2dGeometry): number[] {
    return [
      g.batch,
      g.channels,
      g.height,
      g.width,
      g.groups,
      g.onesRow ? 1 : 0,
      g.kernelH,
      g.kernelW,
      g.strideH,
      g.strideW,
      g.padH,
      g.padW,
      g.dilationH,
      g.dilationW,
      g.outH,
      g.outW,
    ];
  }

  #float(op: string, s: Storage, numel: number, what: string): WasmStorage {
    const w = checkStorage(op, s);
    if (w.dtype !== "float32") throw new TypeError(`${op}: expected float32, got ${w.dtype}`);
    if (w.numel !== numel) throw new RangeError(`${op}: ${what} has ${w.numel} elements, expected ${numel}`);
    return w;
  }

  im2col(x: Storage, geom: Conv2dGeometry): WasmStorage {
    const r = this.#checkConvGeom("im2col", geom);
    const { batch, channels, height, width, groups, outH, outW } = geom;
    const s = this.#float("im2col", x, batch * channels * height * width, "input");
    const n = batch * groups * r * outH * outW;
    if (n === 0) return new WasmStorage("float32", new Float32Array(0));
    const sc = this.#scratch;
    sc.reset();
    const xp = this.#stage(s.data);
    const out = sc.alloc(n * 4);
    this.#fn("im2col_f32")(xp, out, ...this.#convArgs(geom));
    return this.#result("float32", out, n);
  }

  col2im(cols: Storage, geom: Conv2dGeometry): WasmStorage {
    const r = this.#checkConvGeom("col2im", geom);
    const { batch, channels, height, width, groups, outH, outW } = geom;
    const s = this.#float("col2im", cols, batch * groups * r * outH * outW, "cols");
    const n = batch * channels * height * width;
    if (n === 0 || s.numel === 0) return new WasmStorage("float32", new Float32Array(n));
    const sc = this.#scratch;
    sc.reset();
    const cp = this.#stage(s.data);
    const out = sc.alloc(n * 4);
    this.#fn("col2im_f32")(cp, out, ...this.#convArgs(geom));
    return this.#result("float32", out, n);
  }

  #checkPoolGeom(op: string, g: Pool2dGeometry): void {
    for (const k of ["planes", "height", "width", "padH", "padW", "outH", "outW"] as const) {
      checkCount(op, k, g[k]);
    }
    for (const k of ["kernelH", "kernelW", "strideH", "strideW", "dilationH", "dilationW"] as const) {
      checkCount(op, k, g[k]);
      if (g[k] < 1) throw new RangeError(`${op}: ${k} must be at least 1, got ${g[k]}`);
    }
    const reachH = (g.outH - 1) * g.strideH + (g.kernelH - 1) * g.dilationH + g.height + g.padH;
    const reachW = (g.outW - 1) * g.strideW + (g.kernelW - 1) * g.dilationW + g.width + g.padW;
    if (reachH >= 2 ** 31 || reachW >= 2 ** 31) throw new RangeError(`${op}: geometry too large`);
  }

  #poolArgs(g: Pool2dGeometry, dilation: boolean): number[] {
    const a = [g.planes, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padH, g.padW];
    if (dilation) a.push(g.dilationH, g.dilationW);
    a.push(g.outH, g.outW);
    return a;
  }

  #checkAvg(op: string, g: Pool2dGeometry, opts: AvgPoolOptions): void {
    this.#checkPoolGeom(op, g);
    if (g.dilationH !== 1 || g.dilationW !== 1) {
      throw new RangeError(`${op}: average pooling has no dilation`);
    }
    if (!Number.isInteger(opts.divisor) || Math.abs(opts.divisor) >= 2 ** 31) {
      throw new RangeError(`${op}: divisor must be an integer (0 for none), got ${opts.divisor}`);
    }
    // Every window must overlap the input: otherwise PyTorch's output would be 0/0 for count
    // exclusion; the kernel writes 0 there, as PyTorch's CPU kernel does.
  }

  maxPool2d(x: Storage, geom: Pool2dGeometry): { values: WasmStorage; indices: WasmStorage } {
    this.#checkPoolGeom("maxPool2d", geom);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("maxPool2d", x, planes * height * width, "input");
    const n = planes * outH * outW;
    if (n === 0) {
      return {
        values: new WasmStorage("float32", new Float32Array(0)),
        indices: new WasmStorage("int32", new Int32Array(0)),
      };
    }
    if (height * width === 0) throw new RangeError("maxPool2d: cannot pool an empty plane");
    const sc = this.#scratch;
    sc.reset();
    const xp = this.#stage(s.data);
    const vp = sc.alloc(n * 4);
    const ip = sc.alloc(n * 4);
    this.#fn("maxPool2d_f32")(xp, vp, ip, ...this.#poolArgs(geom, true));
    return { values: this.#result("float32", vp, n), indices: this.#result("int32", ip, n) };
  }

  avgPool2d(x: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WasmStorage {
    this.#checkAvg("avgPool2d", geom, opts);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("avgPool2d", x, planes * height * width, "input");
    const n = planes * outH * outW;
    if (n === 0) return new WasmStorage("float32", new Float32Array(0));
    const sc = this.#scratch;
    sc.reset();
    const xp = this.#stage(s.data);
    const out = sc.alloc(n * 4);
    this.#fn("avgPool2d_f32")(
      xp,
      out,
      ...this.#poolArgs(geom, false),
      opts.countIncludePad ? 1 : 0,
      opts.divisor,
    );
    return this.#result("float32", out, n);
  }

  avgPool2dBackward(grad: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WasmStorage {
    this.#checkAvg("avgPool2dBackward", geom, opts);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("avgPool2dBackward", grad, planes * outH * outW, "grad");
    const n = planes * height * width;
    if (n === 0 || s.numel === 0) return new WasmStorage("float32", new Float32Array(n));
    const sc = this.#scratch;
    sc.reset();
    const gp = this.#stage(s.data);
    const out = sc.alloc(n * 4);
    this.#fn("avgPool2dBackward_f32")(
      gp,
      out,
      ...this.#poolArgs(geom, false),
      opts.countIncludePad ? 1 : 0,
      opts.divisor,
    );
    return this.#result("float32", out, n);
  }
}

let defaultBackend: WasmBackend | undefined;

/** The shared CPU backend, instantiated (synchronously) on first use. */
export function wasmBackend(): WasmBackend {
  defaultBackend ??= new WasmBackend();
  return defaultBackend;
}

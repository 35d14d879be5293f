/**
 * The CPU backend: AssemblyScript kernels compiled to SIMD WebAssembly (see `assembly/`).
 *
 * Memory model (the design's "resident cache"): a storage's elements live in the wasm linear
 * memory (resident) and/or in a JavaScript typed array owned by the garbage collector (spilled).
 * - Kernel outputs are allocated resident; resident inputs are used in place (no copy); spilled
 *   inputs are copied in on use and stay resident (their JavaScript copy is kept while it is clean,
 *   so spilling them again costs nothing).
 * - The region of wasm memory beyond the kernels' static data is managed by an allocator in this
 *   file (16-byte aligned blocks, free lists binned by power-of-two size class, neighbours
 *   coalesced, the top of the heap given back to the bump pointer).
 * - Resident bytes are held under a budget (256 MiB by default; `residentBudget` option of
 *   {@link WasmBackend}, or {@link WasmBackend.setResidentBudget}, e.g.
 *   `wasmBackend().setResidentBudget(64 * 2 ** 20)`). An allocation that would exceed it spills
 *   the least recently used storages (copied out to a fresh GC-owned typed array unless a clean
 *   copy exists), skipping those in use by the current kernel call. Wasm memory therefore stays
 *   below the budget plus one call's operands, however long a loop that never calls `dispose()`
 *   runs: garbage-collector timing is not driven by wasm memory, so the budget is what bounds it.
 * - `dispose()` frees a storage's block at once; a `FinalizationRegistry` frees the blocks of
 *   storages the user dropped (once the event loop runs the registry's callbacks). A spilled
 *   storage is plain GC-owned memory.
 * - Large storages (more than a quarter of the budget) that are spilled are not brought in: a
 *   kernel gets a temporary copy of only the range it reads (gather and index_select copy only the
 *   selected rows, in JavaScript), so a big dataset tensor does not thrash the cache.
 * - Every `memory.grow` detaches typed-array views, so views are taken only after a call's
 *   allocations and never kept.
 *
 * The kernels come from `loader.ts`: compiled on first use from the build embedded in the package
 * (relaxed SIMD where the runtime has it, plain SIMD otherwise), or handed over with `torch.init`.
 * @module
 */
import {
  ARITHMETIC_OPS,
  type Backend,
  type BinaryOp,
  COMPARISON_OPS,
  conv2dGeometryWords,
  type MatmulArgs,
  type Operand,
  REDUCE_OPS,
  type ReduceOp,
  type Storage,
  UNARY_OPS,
  type UnaryOp,
} from "../backend.ts";
import { type ComputeDType, type DType, ITEM_SIZE, type TypedArray, typedArrayFor } from "../../dtype.ts";
import type {
  AdamUpdateOptions,
  AvgPoolOptions,
  Conv2dGeometry,
  Pool2dGeometry,
  SgdUpdateOptions,
} from "../backend.ts";
import { kernelModule, type WasmVariant } from "./loader.ts";
import {
  checkAvg,
  checkCompute,
  checkConvGeom,
  checkCount,
  checkIndex,
  checkLayout,
  checkMatmul,
  checkPoolGeom,
  planCopy,
  readRange,
} from "../validate.ts";

export type { WasmVariant } from "./loader.ts";

/** Default byte budget of resident (wasm-memory) storage data: 256 MiB. */
export const DEFAULT_RESIDENT_BUDGET: number = 256 * 1024 * 1024;

/** Options of {@link WasmBackend}. */
export interface WasmBackendOptions {
  /** Force a build; by default relaxed SIMD where the runtime supports it, else plain SIMD. */
  variant?: WasmVariant;
  /**
   * Bytes of storage data kept resident in wasm memory before the least recently used storages
   * are spilled to GC-owned buffers (default {@link DEFAULT_RESIDENT_BUDGET}).
   */
  residentBudget?: number;
}

/** Memory counters of a {@link WasmBackend} (see {@link WasmBackend.memoryStats}). */
export interface WasmMemoryStats {
  /** The resident byte budget. */
  budget: number;
  /** Bytes of resident storage blocks. */
  residentBytes: number;
  /** Number of resident storages. */
  residentCount: number;
  /** Size of the wasm linear memory in bytes (it never shrinks). */
  wasmBytes: number;
  /** First byte of the managed heap (everything below is the kernels' static data). */
  heapBase: number;
  /** Storages spilled to GC-owned buffers so far. */
  spills: number;
  /** Bytes copied out by those spills. */
  spilledBytes: number;
}

const TYPED_CTOR = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  float16: Uint16Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

const PAGE = 65536;
const MAX_BYTES = 4 * 1024 * 1024 * 1024; // wasm32 limit

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/**
 * Where one storage's elements are: a block of a heap (`ptr >= 0`) and/or a GC-owned typed array
 * (`host`). While resident it is linked into its heap's LRU list and registered with the
 * finalization registry; it never references its storage object.
 */
class Slot {
  heap: Heap | null = null;
  ptr = -1;
  cap = 0;
  /** Last kernel call that used it (pinned while that call runs). */
  pin = 0;
  /** Freed by the finalization registry when its storage is collected (see `Storage._track`). */
  tracked = false;
  /** Currently registered with the finalization registry. */
  registered = false;
  prev: Slot | null = null;
  next: Slot | null = null;
  readonly dtype: DType;
  readonly numel: number;
  readonly bytes: number;
  /** The spilled elements, or a clean copy of the resident ones; null when only resident. */
  host: TypedArray | null;

  constructor(dtype: DType, numel: number, host: TypedArray | null) {
    this.dtype = dtype;
    this.numel = numel;
    this.bytes = numel * ITEM_SIZE[dtype];
    this.host = host;
  }
}

/** Frees the blocks of storages the program dropped without dispose(). */
const REGISTRY = new FinalizationRegistry<Slot>((slot) => slot.heap?.release(slot));

/** A storage's slot (module-private accessor, set in WasmStorage's static block). */
let slotOf: (s: WasmStorage) => Slot;
/** A storage for a slot (module-private). */
let storageFor: (slot: Slot) => WasmStorage;

/** A CPU storage: resident in wasm memory and/or spilled to a GC-owned typed array. */
export class WasmStorage implements Storage {
  readonly device = "cpu" as const;
  readonly dtype: DType;
  readonly numel: number;
  #slot: Slot;
  #disposed = false;

  /** @internal */
  _holders = 0;
  /** @internal */
  _saved = 0;
  /** @internal */
  _version = 0;

  static {
    slotOf = (s) => s.#slot;
    storageFor = (slot) => new WasmStorage(slot.dtype, slot);
  }

  /** Wraps `data` (spilled, GC-owned) without copying; the storage owns it from now on. */
  constructor(dtype: DType, data: TypedArray | Slot) {
    this.dtype = dtype;
    if (data instanceof Slot) {
      this.numel = data.numel;
      this.#slot = data;
    } else {
      this.numel = data.length;
      this.#slot = new Slot(dtype, data.length, data);
    }
  }

  /** @internal Frees the wasm block when this storage is garbage collected (see `Storage._track`). */
  _track(): void {
    const slot = this.#slot;
    if (slot.tracked) return;
    slot.tracked = true;
    if (slot.heap && !this.#disposed) slot.heap.register(slot, this);
  }

  /** A copy of the elements. Throws once disposed. */
  get data(): TypedArray {
    if (this.#disposed) {
      throw new Error(`cpu ${this.dtype} storage of ${this.numel} elements: storage was disposed`);
    }
    return copyOut(this.#slot);
  }

  /** True once the elements are in wasm memory. */
  get resident(): boolean {
    return this.#slot.ptr >= 0;
  }

  /** True once {@link dispose} has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Frees the wasm block and drops the GC-owned copy now; idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const slot = this.#slot;
    slot.heap?.release(slot);
    slot.host = null;
  }
}

/** A typed array over `n` elements of `dtype` at `ptr` of `mem` (valid until the next grow). */
function viewOf(mem: WebAssembly.Memory, dtype: DType, ptr: number, n: number): TypedArray {
  return new TYPED_CTOR[dtype](mem.buffer as ArrayBuffer, ptr, n);
}

/** The current elements of a slot, in place: a wasm view (until the next grow) or the host array. */
function liveView(slot: Slot): TypedArray {
  if (slot.heap) return viewOf(slot.heap.mem, slot.dtype, slot.ptr, slot.numel);
  return slot.host!;
}

function copyOut(slot: Slot): TypedArray {
  if (slot.host) return slot.host.slice();
  if (slot.heap) return viewOf(slot.heap.mem, slot.dtype, slot.ptr, slot.numel).slice();
  return typedArrayFor(slot.dtype, slot.numel);
}

/**
 * The managed region of one instance's wasm memory: a block allocator, the LRU list of resident
 * slots and the budget that spills them.
 */
class Heap {
  readonly mem: WebAssembly.Memory;
  readonly base: number;
  budget: number;
  /** End of the highest block; beyond it the memory is free. */
  #top: number;
  /** Free blocks below the top: start -> size, end -> start, and starts binned by floor(log2(size)). */
  readonly #freeStart = new Map<number, number>();
  readonly #freeEnd = new Map<number, number>();
  readonly #bins: Set<number>[] = [];
  /** LRU list of resident slots (head: least recently used). */
  #head: Slot | null = null;
  #tail: Slot | null = null;
  residentBytes = 0;
  residentCount = 0;
  #tempBytes = 0;
  /** Temporary blocks of the current call: [ptr, size, ...]. */
  readonly #temps: number[] = [];
  /** The current kernel call (slots with this pin are not spilled). */
  epoch = 1;
  spills = 0;
  spilledBytes = 0;

  constructor(mem: WebAssembly.Memory, base: number, budget: number) {
    this.mem = mem;
    this.base = align16(base);
    this.#top = this.base;
    this.budget = budget;
  }

  /** Bytes of a storage above which a spilled one is not brought in (a quarter of the budget). */
  get largeBytes(): number {
    return this.budget / 4;
  }

  // ---- blocks ----

  #addFree(p: number, size: number): void {
    this.#freeStart.set(p, size);
    this.#freeEnd.set(p + size, p);
    const c = 31 - Math.clz32(size);
    (this.#bins[c] ??= new Set()).add(p);
  }

  #removeFree(p: number, size: number): void {
    this.#freeStart.delete(p);
    this.#freeEnd.delete(p + size);
    this.#bins[31 - Math.clz32(size)].delete(p);
  }

  #fit(need: number): number {
    const c0 = 31 - Math.clz32(need);
    for (let c = c0; c < this.#bins.length; c++) {
      const bin = this.#bins[c];
      if (!bin || bin.size === 0) continue;
      for (const p of bin) {
        const size = this.#freeStart.get(p)!;
        if (size < need) continue; // only in the first bin
        this.#removeFree(p, size);
        if (size > need) this.#addFree(p + need, size - need);
        return p;
      }
    }
    return -1;
  }

  #bump(need: number): number {
    const p = this.#top;
    const end = p + need;
    if (end > MAX_BYTES) {
      throw new RangeError(`cpu backend: ${end} bytes of wasm memory needed, over the 4 GiB wasm limit`);
    }
    const have = this.mem.buffer.byteLength;
    if (end > have) {
      // Grow geometrically (fewer grows, each of which detaches views), but not past the budget.
      const want = Math.min(
        MAX_BYTES,
        Math.max(end, Math.min(have * 1.5, have + 64 * 2 ** 20, this.base + this.budget)),
      );
      try {
        this.mem.grow(Math.ceil((want - have) / PAGE));
      } catch {
        try {
          this.mem.grow(Math.ceil((end - have) / PAGE));
        } catch (e) {
          throw new RangeError(`cpu backend: cannot grow wasm memory to ${end} bytes`, { cause: e });
        }
      }
    }
    this.#top = end;
    return p;
  }

  /**
   * Throws, before anything is allocated or grown, when `bytes` of operands can never be in this
   * memory at once (the wasm32 address space is 4 GiB, less the kernels' static data): otherwise
   * the call's first allocations would grow the memory, which never shrinks, before a later one
   * failed.
   */
  plan(op: string, bytes: number): void {
    const room = MAX_BYTES - this.base;
    if (bytes <= room) return;
    throw new RangeError(
      `${op}: its operands need ${bytes} bytes (${(bytes / 2 ** 30).toFixed(2)} GiB) of wasm memory at ` +
        `once, more than the wasm32 address space holds (4 GiB; ${room} bytes after the kernels' static ` +
        "data); split the work into smaller tensors",
    );
  }

  /** Allocates a 16-byte aligned block of at least `bytes`, spilling LRU slots to keep the budget. */
  #alloc(bytes: number): [number, number] {
    const need = align16(Math.max(bytes, 16));
    while (this.residentBytes + this.#tempBytes + need > this.budget && this.#spillOne()) { /* spill */ }
    for (;;) {
      const p = this.#fit(need);
      if (p >= 0) return [p, need];
      // Past the budget's region only when nothing else can be spilled (one call's operands).
      if (this.#top + need <= this.base + this.budget || !this.#spillOne()) return [this.#bump(need), need];
    }
  }

  #free(p: number, size: number): void {
    let start = p, sz = size;
    const before = this.#freeEnd.get(p);
    if (before !== undefined) {
      const bs = this.#freeStart.get(before)!;
      this.#removeFree(before, bs);
      start = before;
      sz += bs;
    }
    const after = this.#freeStart.get(p + size);
    if (after !== undefined) {
      this.#removeFree(p + size, after);
      sz += after;
    }
    if (start + sz === this.#top) this.#top = start;
    else this.#addFree(start, sz);
  }

  get top(): number {
    return this.#top;
  }

  // ---- LRU ----

  #unlink(s: Slot): void {
    if (s.prev) s.prev.next = s.next;
    else this.#head = s.next;
    if (s.next) s.next.prev = s.prev;
    else this.#tail = s.prev;
    s.prev = s.next = null;
  }

  #append(s: Slot): void {
    s.prev = this.#tail;
    s.next = null;
    if (this.#tail) this.#tail.next = s;
    else this.#head = s;
    this.#tail = s;
  }

  /** Marks a resident slot used by the current call. */
  touch(s: Slot): void {
    s.pin = this.epoch;
    if (s !== this.#tail) {
      this.#unlink(s);
      this.#append(s);
    }
  }

  /** Spills the least recently used slot not pinned by the current call; false if none. */
  #spillOne(): boolean {
    let s = this.#head;
    while (s && s.pin === this.epoch) s = s.next;
    if (!s) return false;
    this.spill(s);
    return true;
  }

  /** Copies a resident slot out (unless a clean copy exists) and frees its block. */
  spill(s: Slot): void {
    if (!s.host) {
      s.host = viewOf(this.mem, s.dtype, s.ptr, s.numel).slice();
      this.spills++;
      this.spilledBytes += s.bytes;
    }
    this.release(s);
  }

  /** Registers a resident slot with the finalization registry, on behalf of `owner`. */
  register(s: Slot, owner: WasmStorage): void {
    if (s.registered) return;
    REGISTRY.register(owner, s, s);
    s.registered = true;
  }

  /** Frees a slot's block (its host copy, if any, stays). */
  release(s: Slot): void {
    if (s.heap !== this || s.ptr < 0) return;
    if (s.registered) {
      REGISTRY.unregister(s);
      s.registered = false;
    }
    this.#unlink(s);
    this.#free(s.ptr, s.cap);
    this.residentBytes -= s.cap;
    this.residentCount--;
    s.heap = null;
    s.ptr = -1;
    s.cap = 0;
  }

  /** Gives a slot a resident block (contents unset), pinned and registered for `owner`. */
  place(s: Slot, owner: WasmStorage): number {
    const [p, cap] = this.#alloc(s.bytes);
    s.heap = this;
    s.ptr = p;
    s.cap = cap;
    s.pin = this.epoch;
    this.residentBytes += cap;
    this.residentCount++;
    this.#append(s);
    if (s.tracked) this.register(s, owner);
    return p;
  }

  /** A block freed when the current call ends. */
  temp(bytes: number): number {
    const [p, cap] = this.#alloc(bytes);
    this.#temps.push(p, cap);
    this.#tempBytes += cap;
    return p;
  }

  begin(): void {
    this.epoch++;
  }

  end(): void {
    const t = this.#temps;
    for (let i = t.length - 2; i >= 0; i -= 2) this.#free(t[i], t[i + 1]);
    t.length = 0;
    this.#tempBytes = 0;
    this.epoch++;
  }

  /** Spills LRU slots until the resident bytes fit the budget. */
  trim(): void {
    while (this.residentBytes > this.budget && this.#spillOne()) { /* spill */ }
  }
}
type KernelFn = (...args: number[]) => number;
interface Kernels {
  readonly memory: WebAssembly.Memory;
  readonly [name: string]: KernelFn | WebAssembly.Memory;
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

const SUFFIX: Record<ComputeDType, string> = { float32: "f32", float64: "f64", int32: "i32" };
const CAST_NAME: Record<DType, string> = {
  float32: "f32",
  float64: "f64",
  float16: "f16",
  int32: "i32",
  uint8: "u8",
  bool: "bool",
};
const X_NAME: Record<number, string> = { 1: "x8", 2: "x16", 4: "x32", 8: "x64" };

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

function checkBudget(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new RangeError(
      `cpu backend: the resident budget must be a non-negative integer of bytes, got ${bytes}`,
    );
  }
}

/** The CPU backend (see the module documentation for its memory model). */
export class WasmBackend implements Backend {
  readonly device = "cpu" as const;
  /** The kernel build in use. */
  readonly variant: WasmVariant;
  readonly #k: Kernels;
  readonly #heap: Heap;
  /** Writes back temporaries of large spilled in-place destinations when a call ends. */
  readonly #writeBacks: (() => void)[] = [];

  constructor(options: WasmBackendOptions = {}) {
    const { module, variant } = kernelModule(options.variant);
    this.variant = variant;
    const instance = new WebAssembly.Instance(module, {
      env: {
        abort(_msg: number, _file: number, line: number, col: number) {
          throw new Error(`cpu backend: wasm kernel aborted at ${line}:${col}`);
        },
      },
    });
    this.#k = instance.exports as unknown as Kernels;
    const budget = options.residentBudget ?? DEFAULT_RESIDENT_BUDGET;
    checkBudget(budget);
    this.#heap = new Heap(this.#k.memory, (this.#k.heap_base as KernelFn)(), budget);
  }

  /**
   * Sets the byte budget of resident storage data (see the module documentation); storages over
   * it are spilled now, least recently used first.
   */
  setResidentBudget(bytes: number): void {
    checkBudget(bytes);
    this.#heap.budget = bytes;
    this.#heap.trim();
  }

  /** The resident byte budget. */
  get residentBudget(): number {
    return this.#heap.budget;
  }

  /** Memory counters: resident bytes and count, budget, wasm memory size, spills so far. */
  memoryStats(): WasmMemoryStats {
    const h = this.#heap;
    return {
      budget: h.budget,
      residentBytes: h.residentBytes,
      residentCount: h.residentCount,
      wasmBytes: h.mem.buffer.byteLength,
      heapBase: h.base,
      spills: h.spills,
      spilledBytes: h.spilledBytes,
    };
  }

  #fn(name: string): KernelFn {
    const f = this.#k[name];
    if (typeof f !== "function") throw new Error(`cpu backend: missing wasm kernel ${name}`);
    return f as KernelFn;
  }

  /** Runs one kernel call: slots used in it are pinned, its temporaries freed at the end. */
  #call<T>(body: () => T): T {
    const h = this.#heap;
    h.begin();
    try {
      const r = body();
      for (const w of this.#writeBacks) w();
      return r;
    } finally {
      this.#writeBacks.length = 0;
      h.end();
    }
  }

  /** {@link Heap.plan} for a call writing `out` elements of `dtype` from `inputs` (whole). */
  #plan(op: string, dtype: DType, out: number, ...inputs: (Storage | number)[]): void {
    let bytes = out * ITEM_SIZE[dtype];
    for (const x of inputs) if (x instanceof WasmStorage) bytes += slotOf(x).bytes;
    this.#heap.plan(op, bytes);
  }

  /** Brings a spilled (or other instance's) slot into this heap; returns false for large ones. */
  #bringIn(s: WasmStorage, slot: Slot): boolean {
    const h = this.#heap;
    if (slot.heap && slot.heap !== h) slot.heap.spill(slot);
    if (slot.bytes > h.largeBytes) return false;
    const p = h.place(slot, s);
    new Uint8Array(h.mem.buffer, p, slot.bytes).set(
      new Uint8Array(slot.host!.buffer, slot.host!.byteOffset, slot.bytes),
    );
    return true;
  }

  /** Address of element `from` of an input, resident (used in place) or a temporary copy of [from, to). */
  #in(s: WasmStorage, from = 0, to = s.numel): number {
    const h = this.#heap, slot = slotOf(s), size = ITEM_SIZE[s.dtype];
    if (slot.bytes === 0) return h.base;
    if (slot.heap === h || this.#bringIn(s, slot)) {
      h.touch(slot);
      return slot.ptr + from * size;
    }
    const p = h.temp((to - from) * size);
    viewOf(h.mem, s.dtype, p, to - from).set(slot.host!.subarray(from, to));
    return p;
  }

  /** A temporary copy of elements [from, to) of a storage; returns its address. */
  #snapshot(s: WasmStorage, from: number, to: number): number {
    const p = this.#heap.temp((to - from) * ITEM_SIZE[s.dtype]);
    this.#view(s.dtype, p, to - from).set(liveView(slotOf(s)).subarray(from, to));
    return p;
  }

  /**
   * Address of element `from` of an in-place destination: resident (its clean copy dropped) or,
   * for a large spilled one, a temporary over [from, to) written back when the call ends
   * (`dense`: the kernel writes the whole range, so its old contents need no copy).
   */
  #inout(s: WasmStorage, from: number, to: number, dense: boolean): number {
    const h = this.#heap, slot = slotOf(s), size = ITEM_SIZE[s.dtype];
    if (slot.heap === h || this.#bringIn(s, slot)) {
      h.touch(slot);
      slot.host = null;
      return slot.ptr + from * size;
    }
    const p = h.temp((to - from) * size);
    const host = slot.host!;
    if (!dense) viewOf(h.mem, s.dtype, p, to - from).set(host.subarray(from, to));
    this.#writeBacks.push(() => host.set(viewOf(h.mem, s.dtype, p, to - from), from));
    return p;
  }

  /** A new resident output storage of `n` elements and its address. */
  #out(dtype: DType, n: number): [WasmStorage, number] {
    const slot = new Slot(dtype, n, null);
    const s = storageFor(slot);
    return [s, this.#heap.place(slot, s)];
  }

  /** A view of `n` elements at `ptr` (take it after the call's allocations; do not keep it). */
  #view(dtype: DType, ptr: number, n: number): TypedArray {
    return viewOf(this.#heap.mem, dtype, ptr, n);
  }

  /** Wraps `data` as a (spilled) storage without copying (the storage takes ownership). */
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

  /** A spilled copy; it moves into wasm memory on first use by a kernel. */
  fromTyped(data: TypedArray, dtype: DType): WasmStorage {
    this.#checkTyped("fromTyped", data, dtype);
    return new WasmStorage(dtype, data.slice());
  }

  full(dtype: DType, numel: number, value: number): WasmStorage {
    checkCount("full", "numel", numel);
    if (dtype === "bool") value = value !== 0 ? 1 : 0;
    else if (dtype === "float16") value = f16Bits(value);
    else if (dtype === "int32" || dtype === "uint8") value = Number.isFinite(value) ? Math.trunc(value) : 0;
    if (!(dtype in TYPED_CTOR)) throw new TypeError(`full: unknown dtype ${JSON.stringify(dtype)}`);
    if (numel === 0 || numel * ITEM_SIZE[dtype] > this.#heap.largeBytes) {
      const out = typedArrayFor(dtype, numel);
      if (numel > 0 && !Object.is(value, 0)) out.fill(value);
      return new WasmStorage(dtype, out);
    }
    return this.#call(() => {
      const [out, p] = this.#out(dtype, numel);
      this.#view(dtype, p, numel).fill(value);
      return out;
    });
  }

  readSync(s: Storage, offset?: number, count?: number): TypedArray {
    const slot = slotOf(checkStorage("readSync", s));
    const [from, to] = readRange("readSync", slot.numel, offset, count);
    if (from === 0 && to === slot.numel) return copyOut(slot);
    // Only the range: one element of a large storage costs one element.
    if (slot.heap || slot.host) return liveView(slot).slice(from, to);
    return typedArrayFor(slot.dtype, to - from);
  }

  read(s: Storage, offset?: number, count?: number): Promise<TypedArray> {
    try {
      return Promise.resolve(this.readSync(s, offset, count));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A storage with no elements, or `n` zeros (spilled: no wasm memory). */
  #zeros(dtype: DType, n = 0): WasmStorage {
    return new WasmStorage(dtype, typedArrayFor(dtype, n));
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
    const plan = planCopy(s, srcOffset, srcStrides, d, dstOffset, dstStrides, shape);
    if (plan === null) return;
    const { dims, src: [sMin, sMax], dst: [dMin, dMax] } = plan;
    const sSlot = slotOf(s), dSlot = slotOf(d);
    // JavaScript fast paths on the elements where they are: one contiguous run, or a broadcast.
    const fast = dims.length === 0 ||
      (dims.length === 1 && dims[0].d === 1 && (dims[0].s === 1 || dims[0].s === 0));
    if (fast) {
      if (dSlot.heap) dSlot.host = null; // the resident copy is written; drop the clean copy
      const sData = liveView(sSlot), dData = liveView(dSlot);
      if (dims.length === 0) dData[dstOffset] = sData[srcOffset];
      else if (dims[0].s === 1) dData.set(sData.subarray(srcOffset, srcOffset + dims[0].n), dstOffset);
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
    this.#call(() => {
      // Copying within one storage reads a snapshot (the kernel assumes no overlap).
      const sp = sSlot === dSlot ? this.#snapshot(s, sMin, sMax + 1) : this.#in(s, sMin, sMax + 1);
      const dp = this.#inout(d, dMin, dMax + 1, dense);
      const meta = this.#heap.temp(dims.length * 12);
      const m = new Int32Array(this.#heap.mem.buffer, meta, dims.length * 3);
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
    });
  }

  cast(x: Storage, to: DType): WasmStorage {
    const s = checkStorage("cast", x);
    if (!(to in TYPED_CTOR)) throw new TypeError(`cast: unknown dtype ${JSON.stringify(to)}`);
    const from = s.dtype;
    this.#plan("cast", to, s.numel, s);
    if (from === to || (from === "bool" && to === "uint8")) {
      return this.#call(() => {
        const xp = this.#in(s);
        const [out, p] = this.#out(to, s.numel);
        this.#view(to, p, s.numel).set(this.#view(to, xp, s.numel));
        return out;
      });
    }
    const n = s.numel;
    if (n === 0) return this.#zeros(to);
    const fromName = from === "bool" ? "u8" : CAST_NAME[from];
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, op] = this.#out(to, n);
      this.#fn(`cast_${fromName}_${CAST_NAME[to]}`)(xp, op, n);
      return out;
    });
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
    if (n === 0) return this.#zeros(dtype);
    this.#plan(op, dtype, n, s);
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out(dtype, n);
      this.#fn(`${op}_${SUFFIX[dtype]}`)(xp, outPtr, n);
      return out;
    });
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
    if (numel === 0) return this.#zeros(outDtype);
    const checked = (x: Operand, which: string): WasmStorage | number => {
      if (typeof x === "number") return x;
      const st = checkStorage(op, x);
      if (st.dtype !== dtype) {
        throw new TypeError(`${op}: operand ${which} is ${st.dtype}, expected ${dtype}`);
      }
      const len = st.numel;
      if (len === 0 || numel % len !== 0) {
        throw new RangeError(`${op}: operand ${which} has ${len} elements, which does not tile ${numel}`);
      }
      return st;
    };
    const ca = checked(a, "a"), cb = checked(b, "b");
    this.#plan(op, outDtype, numel, ca, cb);
    return this.#call(() => {
      const place = (x: WasmStorage | number): [number, number] => {
        if (typeof x !== "number") return [this.#in(x), x.numel];
        const p = this.#heap.temp(ITEM_SIZE[dtype]);
        this.#view(dtype, p, 1)[0] = dtype === "int32" && !Number.isFinite(x) ? 0 : x;
        return [p, 1];
      };
      const [ap, aLen] = place(ca);
      const [bp, bLen] = place(cb);
      const [out, outPtr] = this.#out(outDtype, numel);
      this.#fn(`${op}_${SUFFIX[dtype]}`)(ap, aLen, bp, bLen, outPtr, numel);
      return out;
    });
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
    const size = ITEM_SIZE[x.dtype];
    this.#plan("where", x.dtype, n, c, x, y);
    return this.#call(() => {
      const cp = this.#in(c), ap = this.#in(x), bp = this.#in(y);
      const [out, outPtr] = this.#out(x.dtype, n);
      this.#fn(`where_${X_NAME[size]}`)(cp, ap, bp, outPtr, n);
      return out;
    });
  }

  reduce(op: ReduceOp, x: Storage, outer: number, len: number, inner: number): WasmStorage {
    const s = checkStorage(op, x);
    const dtype = checkCompute(op, s.dtype);
    if (!(REDUCE_OPS as readonly string[]).includes(op)) {
      throw new TypeError(`reduce: unknown op ${JSON.stringify(op)}`);
    }
    checkLayout(op, s.numel, outer, len, inner);
    const outDtype: ComputeDType = op === "argmax" || op === "argmin" ? "int32" : dtype;
    const n = outer * inner;
    if (n === 0) return this.#zeros(outDtype);
    if (len === 0 && op !== "sum" && op !== "prod") {
      throw new RangeError(`${op}: cannot reduce an empty dimension (it has no identity)`);
    }
    this.#plan(op, outDtype, n, s);
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out(outDtype, n);
      this.#fn(`${op}_${SUFFIX[dtype]}`)(xp, outPtr, outer, len, inner);
      return out;
    });
  }

  cumsum(x: Storage, outer: number, len: number, inner: number): WasmStorage {
    const s = checkStorage("cumsum", x);
    const dtype = checkCompute("cumsum", s.dtype);
    checkLayout("cumsum", s.numel, outer, len, inner);
    const n = s.numel;
    if (n === 0) return this.#zeros(dtype);
    this.#plan("cumsum", dtype, n, s);
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out(dtype, n);
      this.#fn(`cumsum_${SUFFIX[dtype]}`)(xp, outPtr, outer, len, inner);
      return out;
    });
  }

  argsort(x: Storage, rows: number, len: number, descending: boolean): WasmStorage {
    const s = checkStorage("argsort", x);
    const dtype = checkCompute("argsort", s.dtype);
    checkLayout("argsort", s.numel, rows, len, 1);
    if (s.numel === 0) return this.#zeros("int32");
    this.#plan("argsort", "int32", s.numel, s);
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out("int32", s.numel);
      // Two halves of 64-bit keys (assembly/sort.ts); float64 keys take 16-byte pairs (float64.ts).
      const scratch = this.#heap.temp(len * (dtype === "float64" ? 32 : 16));
      this.#fn(`argsort_${SUFFIX[dtype]}`)(xp, outPtr, rows, len, descending ? 1 : 0, scratch);
      return out;
    });
  }

  /** Float32 storages of one length for a fused update (null entries pass through). */
  #optimArgs(op: string, ...s: (Storage | null)[]): (WasmStorage | null)[] {
    const out = s.map((x) => (x === null ? null : checkStorage(op, x)));
    const n = out[0]!.numel;
    for (const x of out) {
      if (x === null) continue;
      if (x.dtype !== "float32") throw new TypeError(`${op}: expected float32 storages, got ${x.dtype}`);
      if (x.numel !== n) throw new RangeError(`${op}: storages have ${n} and ${x.numel} elements`);
    }
    return out;
  }

  /** One Adam/AdamW step in place (see `Backend.adamUpdate`). */
  adamUpdate(
    param: Storage,
    grad: Storage,
    expAvg: Storage,
    expAvgSq: Storage,
    maxExpAvgSq: Storage | null,
    o: AdamUpdateOptions,
  ): void {
    if (o.amsgrad && !maxExpAvgSq) throw new TypeError("adamUpdate: amsgrad needs maxExpAvgSq");
    const [p, g, m, v, vmax] = this.#optimArgs(
      "adamUpdate",
      param,
      grad,
      expAvg,
      expAvgSq,
      o.amsgrad ? maxExpAvgSq : null,
    );
    const n = p!.numel;
    if (n === 0) return;
    const bias1 = 1 - o.beta1 ** o.step, bias2 = 1 - o.beta2 ** o.step;
    const flags = (o.maximize ? 1 : 0) | (o.weightDecay !== 0 ? 2 : 0) | (o.decoupled ? 4 : 0) |
      (o.amsgrad ? 8 : 0);
    this.#call(() => {
      const gp = this.#in(g!);
      const pp = this.#inout(p!, 0, n, false), mp = this.#inout(m!, 0, n, false);
      const vp = this.#inout(v!, 0, n, false), xp = vmax ? this.#inout(vmax, 0, n, false) : 0;
      this.#fn("adam_f32")(
        pp,
        gp,
        mp,
        vp,
        xp,
        n,
        flags,
        o.beta1,
        1 - o.beta1,
        o.beta2,
        1 - o.beta2,
        -(o.lr / bias1),
        Math.sqrt(bias2),
        o.eps,
        o.weightDecay,
        1 - o.lr * o.weightDecay,
      );
    });
  }

  /** One SGD step in place (see `Backend.sgdUpdate`). */
  sgdUpdate(param: Storage, grad: Storage, momentumBuffer: Storage | null, o: SgdUpdateOptions): void {
    const useMomentum = o.momentum !== 0;
    if (useMomentum && !momentumBuffer) throw new TypeError("sgdUpdate: momentum needs momentumBuffer");
    const [p, g, buf] = this.#optimArgs("sgdUpdate", param, grad, useMomentum ? momentumBuffer : null);
    const n = p!.numel;
    if (n === 0) return;
    const flags = (o.maximize ? 1 : 0) | (o.weightDecay !== 0 ? 2 : 0) | (useMomentum ? 4 : 0) |
      (o.firstStep ? 8 : 0) | (o.dampening !== 0 ? 16 : 0) | (o.nesterov ? 32 : 0);
    this.#call(() => {
      const gp = this.#in(g!);
      const pp = this.#inout(p!, 0, n, false);
      const bp = buf ? this.#inout(buf, 0, n, o.firstStep) : 0;
      this.#fn("sgd_f32")(pp, gp, bp, n, flags, o.lr, o.momentum, 1 - o.dampening, o.weightDecay);
    });
  }

  /** See `Backend.crossEntropy`. */
  crossEntropy(
    x: Storage,
    target: Storage,
    rows: number,
    cols: number,
    ignoreIndex: number,
  ): { logp: WasmStorage; loss: WasmStorage; total: WasmStorage; count: WasmStorage } | { badRow: number } {
    const s = checkStorage("crossEntropy", x), t = checkStorage("crossEntropy", target);
    if (s.dtype !== "float32") throw new TypeError(`crossEntropy: expected float32 input, got ${s.dtype}`);
    if (t.dtype !== "int32") throw new TypeError(`crossEntropy: expected int32 targets, got ${t.dtype}`);
    checkCount("crossEntropy", "rows", rows);
    checkCount("crossEntropy", "cols", cols);
    if (rows * cols !== s.numel || t.numel !== rows) {
      throw new RangeError(
        `crossEntropy: [${rows}, ${cols}] and ${rows} targets do not match ${s.numel} inputs and ${t.numel} targets`,
      );
    }
    return this.#call(() => {
      const xp = this.#in(s), tp = this.#in(t);
      const [logp, lp] = this.#out("float32", rows * cols);
      const [loss, sp] = this.#out("float32", rows);
      const [total, totp] = this.#out("float32", 1);
      const [count, cp] = this.#out("float32", 1);
      const bad = this.#fn("crossEntropy_f32")(xp, tp, lp, sp, totp, cp, rows, cols, ignoreIndex | 0);
      if (bad === 0) return { logp, loss, total, count };
      for (const s of [logp, loss, total, count]) s.dispose();
      return { badRow: bad - 1 };
    });
  }

  /** See `Backend.crossEntropyBackward`. */
  crossEntropyBackward(
    logp: Storage,
    target: Storage,
    g: Storage,
    rows: number,
    cols: number,
    ignoreIndex: number,
  ): WasmStorage {
    const lp = checkStorage("crossEntropyBackward", logp), t = checkStorage("crossEntropyBackward", target);
    const gs = checkStorage("crossEntropyBackward", g);
    if (lp.numel !== rows * cols || t.numel !== rows || (gs.numel !== rows && gs.numel !== 1)) {
      throw new RangeError(
        `crossEntropyBackward: [${rows}, ${cols}] does not match ${lp.numel} log-probabilities, ` +
          `${t.numel} targets and ${gs.numel} gradients`,
      );
    }
    if (rows * cols === 0) return this.#zeros("float32");
    return this.#call(() => {
      const pp = this.#in(lp), tp = this.#in(t), gp = this.#in(gs);
      const [out, op] = this.#out("float32", rows * cols);
      this.#fn("crossEntropyBackward_f32")(pp, tp, gp, gs.numel, op, rows, cols, ignoreIndex | 0);
      return out;
    });
  }

  softmax(x: Storage, rows: number, cols: number, log: boolean): WasmStorage {
    const name = log ? "logSoftmax" : "softmax";
    const s = checkStorage(name, x);
    if (s.dtype !== "float32" && s.dtype !== "float64") {
      throw new TypeError(`${name}: expected float32 or float64, got ${s.dtype}`);
    }
    checkCount(name, "rows", rows);
    checkCount(name, "cols", cols);
    if (rows * cols !== s.numel) {
      throw new RangeError(`${name}: [${rows}, ${cols}] does not match ${s.numel} elements`);
    }
    const n = s.numel;
    if (n === 0) return this.#zeros(s.dtype);
    this.#plan(name, s.dtype, n, s);
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out(s.dtype, n);
      this.#fn(`${name}_${SUFFIX[s.dtype as ComputeDType]}`)(xp, outPtr, rows, cols);
      return out;
    });
  }

  matmul(a: Storage, b: Storage, args: MatmulArgs): WasmStorage {
    const sa = checkStorage("matmul", a), sb = checkStorage("matmul", b);
    const dtype = checkMatmul(sa, sb, args);
    let { batch, m } = args;
    const { k, n, transA, transB } = args;
    let { aBatchStride, bBatchStride } = args;
    const needA = batch === 0 ? 0 : (batch - 1) * aBatchStride + m * k;
    const needB = batch === 0 ? 0 : (batch - 1) * bBatchStride + k * n;
    const total = batch * m * n;
    if (total === 0) return this.#zeros(dtype);
    // A shared B with back-to-back A matrices is one taller product.
    if (batch > 1 && bBatchStride === 0 && !transA && aBatchStride === m * k) {
      m *= batch;
      batch = 1;
      aBatchStride = 0;
    }
    const suffix = SUFFIX[dtype];
    const bias = args.bias ? checkStorage("matmul", args.bias) : null;
    this.#heap.plan("matmul", (total + needA + needB) * ITEM_SIZE[dtype]);
    return this.#call(() => {
      const ap = this.#in(sa, 0, needA);
      const bp = this.#in(sb, 0, needB);
      const biasPtr = bias ? this.#in(bias) : 0;
      const [out, outPtr] = this.#out(dtype, total);
      const work = this.#heap.temp(this.#fn(`matmul_${suffix}_workspace`)(m, k, n) >>> 0);
      this.#fn(`matmul_${suffix}`)(
        ap,
        bp,
        outPtr,
        batch,
        m,
        k,
        n,
        aBatchStride,
        bBatchStride,
        transA ? 1 : 0,
        transB ? 1 : 0,
        work,
        biasPtr,
      );
      return out;
    });
  }

  /** Throws for the first index outside [0, len). */
  #checkIndices(op: string, idx: WasmStorage, len: number): void {
    const ix = liveView(slotOf(idx));
    for (let i = 0; i < ix.length; i++) {
      const v = ix[i];
      if (v < 0 || v >= len) this.#throwBadIndex(op, idx, i, len);
    }
  }

  #throwBadIndex(op: string, index: WasmStorage, pos: number, len: number): never {
    throw new RangeError(
      `${op}: index ${liveView(slotOf(index))[pos]} is out of bounds for dimension with size ${len}`,
    );
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
    checkLayout(op, s.numel, outer, len, inner);
    checkIndex(op, idx, outer, len, inner, idxLen, indexIs1d);
    const n = outer * idxLen * inner;
    if (n === 0) {
      // Still validate the indices (e.g. inner == 0 with a 1-d index).
      this.#checkIndices(op, idx, len);
      return new WasmStorage(s.dtype, typedArrayFor(s.dtype, 0));
    }
    const size = ITEM_SIZE[s.dtype];
    const xs = slotOf(s);
    if (xs.heap !== this.#heap && xs.bytes > this.#heap.largeBytes) {
      // A large spilled source stays out of the cache: copy only the rows the index selects.
      this.#checkIndices(op, idx, len);
      return this.#call(() => {
        const [out, outPtr] = this.#out(s.dtype, n);
        const ix = liveView(slotOf(idx)), src = liveView(xs); // after the allocation (growth)
        const dst = this.#view(s.dtype, outPtr, n);
        for (let o = 0, q = 0; o < outer; o++) {
          const rowBase = o * len * inner;
          if (indexIs1d || inner === 1) {
            for (let j = 0; j < idxLen; j++, q += inner) {
              const from = rowBase + ix[indexIs1d ? j : o * idxLen + j] * inner;
              if (inner === 1) dst[q] = src[from];
              else dst.set(src.subarray(from, from + inner), q);
            }
          } else {
            for (let j = 0; j < idxLen; j++) {
              for (let i = 0; i < inner; i++, q++) dst[q] = src[rowBase + ix[q] * inner + i];
            }
          }
        }
        return out;
      });
    }
    return this.#call(() => {
      const xp = this.#in(s), ip = this.#in(idx);
      const [out, outPtr] = this.#out(s.dtype, n);
      const bad = this.#fn(`gather_${X_NAME[size]}`)(
        xp,
        ip,
        outPtr,
        outer,
        len,
        inner,
        idxLen,
        indexIs1d ? 1 : 0,
      );
      if (bad >= 0) {
        out.dispose();
        this.#throwBadIndex(op, idx, bad, len);
      }
      return out;
    });
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
    checkLayout(op, s.numel, outer, idxLen, inner);
    checkIndex(op, idx, outer, len, inner, idxLen, indexIs1d);
    const n = outer * len * inner;
    if (s.numel === 0 || n === 0) {
      this.#checkIndices(op, idx, len);
      return this.#zeros(dtype, n);
    }
    return this.#call(() => {
      const sp = this.#in(s), ip = this.#in(idx);
      const [out, outPtr] = this.#out(dtype, n);
      const bad = this.#fn(`scatterAdd_${SUFFIX[dtype]}`)(
        sp,
        ip,
        outPtr,
        outer,
        len,
        inner,
        idxLen,
        indexIs1d ? 1 : 0,
      );
      if (bad >= 0) {
        out.dispose();
        this.#throwBadIndex(op, idx, bad, len);
      }
      return out;
    });
  }

  // ---- convolution and pooling (assembly/conv.ts, assembly/pool.ts) ----

  #float(op: string, s: Storage, numel: number, what: string): WasmStorage {
    const w = checkStorage(op, s);
    if (w.dtype !== "float32") throw new TypeError(`${op}: expected float32, got ${w.dtype}`);
    if (w.numel !== numel) throw new RangeError(`${op}: ${what} has ${w.numel} elements, expected ${numel}`);
    return w;
  }

  im2col(x: Storage, geom: Conv2dGeometry): WasmStorage {
    const r = checkConvGeom("im2col", geom);
    const { batch, channels, height, width, groups, outH, outW } = geom;
    const s = this.#float("im2col", x, batch * channels * height * width, "input");
    const n = batch * groups * r * outH * outW;
    if (n === 0) return this.#zeros("float32");
    this.#plan("im2col", "float32", n, s);
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out("float32", n);
      this.#fn("im2col_f32")(xp, outPtr, ...conv2dGeometryWords(geom));
      return out;
    });
  }

  col2im(cols: Storage, geom: Conv2dGeometry): WasmStorage {
    const r = checkConvGeom("col2im", geom);
    const { batch, channels, height, width, groups, outH, outW } = geom;
    const s = this.#float("col2im", cols, batch * groups * r * outH * outW, "cols");
    const n = batch * channels * height * width;
    if (n === 0 || s.numel === 0) return this.#zeros("float32", n);
    this.#plan("col2im", "float32", n, s);
    return this.#call(() => {
      const cp = this.#in(s);
      const [out, outPtr] = this.#out("float32", n);
      this.#fn("col2im_f32")(cp, outPtr, ...conv2dGeometryWords(geom));
      return out;
    });
  }

  #poolArgs(g: Pool2dGeometry, dilation: boolean): number[] {
    const a = [g.planes, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padH, g.padW];
    if (dilation) a.push(g.dilationH, g.dilationW);
    a.push(g.outH, g.outW);
    return a;
  }

  maxPool2d(x: Storage, geom: Pool2dGeometry): { values: WasmStorage; indices: WasmStorage } {
    checkPoolGeom("maxPool2d", geom);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("maxPool2d", x, planes * height * width, "input");
    const n = planes * outH * outW;
    if (n === 0) {
      return {
        values: this.#zeros("float32"),
        indices: this.#zeros("int32"),
      };
    }
    if (height * width === 0) throw new RangeError("maxPool2d: cannot pool an empty plane");
    this.#plan("maxPool2d", "float32", 2 * n, s);
    return this.#call(() => {
      const xp = this.#in(s);
      const [values, vp] = this.#out("float32", n);
      const [indices, ip] = this.#out("int32", n);
      this.#fn("maxPool2d_f32")(xp, vp, ip, ...this.#poolArgs(geom, true));
      return { values, indices };
    });
  }

  avgPool2d(x: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WasmStorage {
    checkAvg("avgPool2d", geom, opts);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("avgPool2d", x, planes * height * width, "input");
    const n = planes * outH * outW;
    if (n === 0) return this.#zeros("float32");
    this.#plan("avgPool2d", "float32", n, s);
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out("float32", n);
      this.#fn("avgPool2d_f32")(
        xp,
        outPtr,
        ...this.#poolArgs(geom, false),
        opts.countIncludePad ? 1 : 0,
        opts.divisor,
      );
      return out;
    });
  }

  avgPool2dBackward(grad: Storage, geom: Pool2dGeometry, opts: AvgPoolOptions): WasmStorage {
    checkAvg("avgPool2dBackward", geom, opts);
    const { planes, height, width, outH, outW } = geom;
    const s = this.#float("avgPool2dBackward", grad, planes * outH * outW, "grad");
    const n = planes * height * width;
    if (n === 0 || s.numel === 0) return this.#zeros("float32", n);
    this.#plan("avgPool2dBackward", "float32", n, s);
    return this.#call(() => {
      const gp = this.#in(s);
      const [out, outPtr] = this.#out("float32", n);
      this.#fn("avgPool2dBackward_f32")(
        gp,
        outPtr,
        ...this.#poolArgs(geom, false),
        opts.countIncludePad ? 1 : 0,
        opts.divisor,
      );
      return out;
    });
  }

  // ---- cumulative product (assembly/numerics.ts) ----

  cumprod(x: Storage, outer: number, len: number, inner: number): WasmStorage {
    const s = checkStorage("cumprod", x);
    const dtype = checkCompute("cumprod", s.dtype);
    checkLayout("cumprod", s.numel, outer, len, inner);
    const n = s.numel;
    if (n === 0) return this.#zeros(dtype);
    this.#plan("cumprod", dtype, n, s);
    return this.#call(() => {
      const xp = this.#in(s);
      const [out, outPtr] = this.#out(dtype, n);
      this.#fn(`cumprod_${SUFFIX[dtype]}`)(xp, outPtr, outer, len, inner);
      return out;
    });
  }
}

let defaultBackend: WasmBackend | undefined;

/** The shared CPU backend, instantiated (synchronously) on first use. */
export function wasmBackend(): WasmBackend {
  defaultBackend ??= new WasmBackend();
  return defaultBackend;
}

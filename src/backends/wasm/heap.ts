/**
 * The CPU backend's memory: {@link WasmStorage} (a storage resident in wasm memory and/or spilled to
 * a GC-owned typed array), its {@link Slot}, and {@link Heap}, the allocator of one instance's wasm
 * memory (16-byte aligned blocks, free lists binned by power-of-two size class, neighbours
 * coalesced, the top of the heap given back to the bump pointer) with the LRU list of resident slots
 * and the budget that spills them. The memory model is described in `backend.ts`.
 * @module
 */
import { type DType, ITEM_SIZE, type TypedArray, typedArrayFor } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { TYPED_CTOR } from "../contract.ts";

export const PAGE = 65536;
export const MAX_BYTES = 4 * 1024 * 1024 * 1024; // wasm32 limit
/**
 * Epochs (two per kernel call) after which a resident storage no call has used counts as idle:
 * before the heap grows into memory it never used, idle storages are spilled instead. Mostly
 * they are results a synchronous loop dropped (its logits and loss each step), which the
 * garbage collector cannot report until the loop yields; growing for them cost first touches of
 * fresh pages every step and left the process's memory climbing to the budget.
 */
export const IDLE_EPOCHS = 2_000;

/** Idle storages up to this size are spilled before the quick lists are merged (see `#alloc`). */
const SMALL_IDLE_BYTES = 64 * 1024;
/** Freed blocks a size kept for reuse (Heap's quick lists), and their bytes in all. */
const QUICK_PER_SIZE = 4;
const QUICK_BYTES = 8 * 2 ** 20;

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/**
 * Where one storage's elements are: a block of a heap (`ptr >= 0`) and/or a GC-owned typed array
 * (`host`). While resident it is linked into its heap's LRU list and registered with the
 * finalization registry; it never references its storage object.
 */
export class Slot {
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

/** A storage's slot (package-internal accessor, set in WasmStorage's static block). */
export let slotOf: (s: WasmStorage) => Slot;
/** A storage for a slot (package-internal). */
export let storageFor: (slot: Slot) => WasmStorage;

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
  /** @internal Idle resident storages are spilled before the heap grows (see `Heap`). */
  readonly _reclaimedIdle = true;

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
export function viewOf(mem: WebAssembly.Memory, dtype: DType, ptr: number, n: number): TypedArray {
  return new TYPED_CTOR[dtype as Exclude<DType, "complex64">](mem.buffer as ArrayBuffer, ptr, n);
}

/** The current elements of a slot, in place: a wasm view (until the next grow) or the host array. */
export function liveView(slot: Slot): TypedArray {
  if (slot.heap) return viewOf(slot.heap.mem, slot.dtype, slot.ptr, slot.numel);
  return slot.host!;
}

export function copyOut(slot: Slot): TypedArray {
  if (slot.host) return slot.host.slice();
  if (slot.heap) return viewOf(slot.heap.mem, slot.dtype, slot.ptr, slot.numel).slice();
  return typedArrayFor(slot.dtype, slot.numel);
}

/**
 * The managed region of one instance's wasm memory: a block allocator, the LRU list of resident
 * slots and the budget that spills them.
 */
export class Heap {
  readonly mem: WebAssembly.Memory;
  readonly base: number;
  budget: number;
  /** End of the highest block; beyond it the memory is free. */
  #top: number;
  /** The highest #top so far: memory below it has been used (its pages touched). */
  #highWater: number;
  /** Free blocks below the top: start -> size, end -> start, and starts binned by floor(log2(size)). */
  readonly #freeStart = new Map<number, number>();
  readonly #freeEnd = new Map<number, number>();
  readonly #bins: Set<number>[] = [];
  /**
   * Blocks freed lately, by exact size, handed out again before the coalescing free lists are
   * searched: a training loop asks for the same sizes every step, and a Map/Set update per list is
   * most of an allocation's cost. At most QUICK_PER_SIZE blocks a size and QUICK_BYTES in all;
   * returned to the free lists when an allocation would otherwise take memory never used or go
   * past the budget.
   */
  readonly #quick = new Map<number, number[]>();
  #quickBytes = 0;
  /** LRU list of resident slots (head: least recently used). */
  #head: Slot | null = null;
  #tail: Slot | null = null;
  residentBytes = 0;
  residentCount = 0;
  /** Bytes of blocks that are never freed (worker threads' scratch). */
  reservedBytes = 0;
  #tempBytes = 0;
  /** Temporary blocks of the current call: [ptr, size, ...]. */
  readonly #temps: number[] = [];
  /** The current kernel call (slots with this pin are not spilled). */
  epoch = 1;
  spills = 0;
  spilledBytes = 0;
  /** Spills of idle storages (see IDLE_EPOCHS), counted in `spills` too. */
  idleSpills = 0;

  constructor(mem: WebAssembly.Memory, base: number, budget: number) {
    this.mem = mem;
    this.base = align16(base);
    this.#top = this.base;
    this.#highWater = this.base;
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
    if (end > this.#highWater) this.#highWater = end;
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
      // (Again after each spill below: the spilled block went to its size's quick list.)
      const quick = this.#quick.get(need);
      if (quick !== undefined && quick.length > 0) {
        this.#quickBytes -= need;
        return [quick.pop()!, need];
      }
      const p = this.#fit(need);
      if (p >= 0) return [p, need];
      const fresh = this.#top + need > this.#highWater,
        pastBudget = this.#top + need > this.base + this.budget;
      // Into memory never used only when no idle storage can make room (see IDLE_EPOCHS): first a
      // small one (mostly a result a synchronous loop dropped: its block goes to its size's quick
      // list, which the loop's next result of that size takes), then the quick lists' blocks merged
      // into the free lists, then any idle one.
      if (fresh && this.#spillIdle(SMALL_IDLE_BYTES)) continue;
      if ((fresh || pastBudget) && this.#quickBytes > 0) {
        this.#flushQuick();
        continue;
      }
      if (fresh && this.#spillIdle(Infinity)) continue;
      // Past the budget's region only when nothing else can be spilled (one call's operands).
      if (!pastBudget || !this.#spillOne()) return [this.#bump(need), need];
    }
  }

  #free(p: number, size: number): void {
    if (this.#quickBytes + size <= QUICK_BYTES) {
      let quick = this.#quick.get(size);
      if (quick === undefined) this.#quick.set(size, quick = []);
      if (quick.length < QUICK_PER_SIZE) {
        quick.push(p);
        this.#quickBytes += size;
        return;
      }
    }
    this.#coalesce(p, size);
  }

  /** Returns the quick lists' blocks to the free lists (merged with their free neighbours). */
  #flushQuick(): void {
    for (const [size, quick] of this.#quick) for (const p of quick) this.#coalesce(p, size);
    this.#quick.clear(); // (only the sizes freed since, not every size ever freed)
    this.#quickBytes = 0;
  }

  #coalesce(p: number, size: number): void {
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

  /** Spills the least recently used slot if no call has used it for IDLE_EPOCHS and it has at most `maxBytes`. */
  #spillIdle(maxBytes: number): boolean {
    const s = this.#head;
    if (s === null || this.epoch - s.pin < IDLE_EPOCHS || s.cap > maxBytes) return false;
    this.spill(s);
    this.idleSpills++;
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

  /** A block never freed (a thread's scratch), allocated between calls. */
  reserve(bytes: number): number {
    const [p, cap] = this.#alloc(bytes);
    this.reservedBytes += cap;
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

/**
 * Who owns a tensor's memory: the one mechanism behind deterministic release.
 *
 * JavaScript cannot count references to a variable, so the library counts what it can see:
 * - **Handles.** Every `Tensor` object is a handle on a storage; `storage._holders` counts the
 *   handles that are live. A handle stops counting when the user disposes it (`dispose()`,
 *   `using`), when the library call that made it returns without handing it back, or when the
 *   engine is done with it; the storage is freed once no handle and no graph node holds it.
 * - **Calls own their temporaries.** A library call runs in a frame ({@link inFrameOf}): a handle
 *   created inside it that the call does not return (the matmul inside `Linear`, a loss's pieces,
 *   optimizer arithmetic, a `Sequential`'s activations between layers) is released when the call
 *   returns; what it returns passes to the calling frame, or to the user when no frame is open.
 * - **Graphs own what they save.** A graph node counts the storages its backward formula reads
 *   (`storage._saved`); a storage no handle holds any more lives until the node releases it
 *   (`backward()` without `retainGraph`), or is reclaimed with the dropped graph by the garbage
 *   collector.
 * - **The user's handles** stay valid while the user holds them. What the user dropped without
 *   `dispose()` is reclaimed by the backend's `FinalizationRegistry` once the garbage collector
 *   notices it: only such "tracked" storages are registered, so temporaries cost nothing there,
 *   and they are registered in bulk when the program yields (see {@link trackLater}).
 * - **Library-held handles** (parameters and leaves that require grad, `.grad`, module buffers,
 *   optimizer state, `torch.keep`) are pinned: no frame releases them.
 *
 * `torch.scope(fn)` is a frame around user code: an optimisation (everything `fn` made and did
 * not return is released when it returns), never a requirement.
 * @module
 */
import type { Storage } from "./backends/backend.ts";

/** What a handle is (see {@link Handle._state}). */
export const LIVE = 0, RELEASED = 1, DISPOSED = 2, PINNED = 3;

/** The fields of a `Tensor` this module manages (declared here to keep it free of imports). */
export interface Handle {
  _storage: Storage;
  /**
   * LIVE: counted, owned by the innermost frame that saw it (or, with no frame open, by the user,
   * which is PINNED); RELEASED: no longer counted (its call or the engine dropped it; a graph
   * node may still read it); DISPOSED: released by the user (using it throws); PINNED: counted
   * and held outside every frame (the user's, or the library's).
   */
  _state: number;
  /** Survivor mark of the frame exit in progress. */
  _mark: number;
}

/** Handles created while frames are open, innermost frame last. */
const frameHandles: Handle[] = [];
/** Where each open frame's handles start in {@link frameHandles}. */
const frameStarts: number[] = [];
let epoch = 0;

/** Whether a library call (or a `torch.scope`) is running. */
export function inFrame(): boolean {
  return frameStarts.length > 0;
}

/**
 * Called by the Tensor constructor: counts the new handle, owned by the innermost frame, or
 * handed to the user (tracked for finalization) when none is open.
 */
export function noteHandle(t: Handle): void {
  t._storage._holders++;
  if (frameStarts.length > 0) {
    t._state = LIVE;
    frameHandles.push(t);
  } else {
    t._state = PINNED;
    trackLater(t._storage);
  }
}

/** Stops counting a handle; frees its storage when nothing else holds it. */
function drop(s: Storage): void {
  if (--s._holders > 0) return;
  if (s._saved === 0) s.dispose();
  else trackLater(s); // a graph node's now: reclaimed with the graph if it is dropped unused
}

/**
 * Storages to track, not yet tracked. Most of what a training step would track is freed again
 * within the step: the storages its forward saves (freed by backward) and the gradients
 * (`zeroGrad()` drops them). Registering each with the backend's `FinalizationRegistry` and
 * unregistering it a moment later was ~3% of a small step, so they are tracked in bulk, when the
 * current synchronous run yields (a microtask); what was freed by then is skipped.
 *
 * A run that does not yield (a synchronous loop) never lets a finalizer run, so there tracking
 * only costs: registered objects outlive the young generation, and a loop dropping small results
 * ran at 60% of its speed untracked. When too many are pending, the storages the backend
 * reclaims anyway once they are dropped and idle (the CPU's, below {@link TRACK_ALWAYS_ELEMENTS}) are
 * left untracked, and the rest tracked at once.
 */
const untracked: Storage[] = [];
let untrackedElements = 0;
let trackScheduled = false;
/**
 * Pending storages, and their elements, past which they are dealt with at once: this bounds what a
 * loop that never yields keeps reachable (the list holds them; the collector could otherwise take
 * the spilled copies of what the loop dropped).
 */
const UNTRACKED_MAX = 256, UNTRACKED_MAX_ELEMENTS = 1 << 22;
/** Elements from which a storage is tracked even in a loop that does not yield (spills cost copies). */
const TRACK_ALWAYS_ELEMENTS = 1 << 16;

function trackLater(s: Storage): void {
  untracked.push(s);
  untrackedElements += s.numel;
  if (untracked.length >= UNTRACKED_MAX || untrackedElements >= UNTRACKED_MAX_ELEMENTS) trackPending(false);
  else if (!trackScheduled) {
    trackScheduled = true;
    queueMicrotask(trackPending);
  }
}

/**
 * Tracks the pending storages not freed meanwhile (see {@link trackLater}); with `yielded` false
 * (too many pending in a run that has not yielded), all but the small ones reclaimed when idle.
 */
function trackPending(yielded = true): void {
  if (yielded) trackScheduled = false;
  for (const s of untracked) {
    if (!s.disposed && (yielded || !s._reclaimedIdle || s.numel >= TRACK_ALWAYS_ELEMENTS)) s._track();
  }
  untracked.length = 0;
  untrackedElements = 0;
}

/** Releases a handle the library no longer needs (no-op unless it is counted). */
export function releaseHandle(t: Handle): void {
  if (t._state !== LIVE && t._state !== PINNED) return;
  t._state = RELEASED;
  drop(t._storage);
}

/** The user's `dispose()`: the handle stops counting and any later use of it throws. */
export function disposeHandle(t: Handle): void {
  const counted = t._state === LIVE || t._state === PINNED;
  t._state = DISPOSED;
  if (counted) drop(t._storage);
}

/**
 * Pins a handle: it is held outside every frame from now on (a parameter, a gradient, a buffer,
 * optimizer state, `torch.keep`), until released or disposed.
 */
export function pinHandle<T extends Handle>(t: T): T {
  if (t._state === LIVE) {
    t._state = PINNED;
    trackLater(t._storage);
  } else if (t._state === RELEASED) {
    // Brought back: counted again.
    t._storage._holders++;
    t._state = PINNED;
    trackLater(t._storage);
  }
  return t;
}

/** Moves a counted handle to another storage (PyTorch's `param.data = other`). */
export function moveHandle(t: Handle, s: Storage): void {
  if (t._storage === s) return;
  const counted = t._state === LIVE || t._state === PINNED;
  if (counted) {
    s._holders++;
    trackLater(s);
  }
  const old = t._storage;
  t._storage = s;
  if (counted) drop(old);
}

/** A graph node saves `s` (its formula reads it). */
export function saveStorage(s: Storage): void {
  s._saved++;
}

/** A graph node no longer needs `s`. */
export function unsaveStorage(s: Storage): void {
  if (--s._saved > 0 || s._holders > 0) return;
  s.dispose();
}

/** Opens a frame; returns its depth (for {@link closeFrame}). */
export function openFrame(): void {
  frameStarts.push(frameHandles.length);
}

/**
 * Closes the innermost frame. Handles reachable from `result` survive: they join the enclosing
 * frame, or go to the user when this was the outermost one. Every other handle the frame owns is
 * released. `keepAll` keeps every handle (a call that returned a Promise may still be using them).
 */
export function closeFrame(result: unknown, keepAll = false, owner?: object): void {
  const start = frameStarts.pop()!;
  const toUser = frameStarts.length === 0;
  const mark = ++epoch;
  if (!keepAll) markSurvivors(result, mark);
  if (owner !== undefined) markFields(owner, mark);
  const list = frameHandles;
  let w = start;
  for (let i = start, n = list.length; i < n; i++) {
    const t = list[i];
    if (t._state !== LIVE) continue;
    if (keepAll || t._mark === mark) {
      if (toUser) {
        t._state = PINNED;
        trackLater(t._storage);
      } else list[w++] = t;
    } else {
      t._state = RELEASED;
      drop(t._storage);
    }
  }
  list.length = w;
}

/** Tensors inside results are found by duck typing (this module imports nothing). */
function isHandle(v: object): v is Handle {
  return (v as Partial<Handle>)._mark !== undefined && (v as Partial<Handle>)._storage !== undefined;
}

/**
 * Marks the handles reachable from `value`: a tensor, or tensors inside arrays, objects, Maps
 * and Sets (a `{ values, indices }` pair, an RNN's `[output, [h, c]]`, a module's fields).
 */
function markSurvivors(value: unknown, mark: number): void {
  if (value === null || typeof value !== "object" && typeof value !== "function") return;
  if (isHandle(value as object)) {
    (value as Handle)._mark = mark;
    return;
  }
  const seen = new Set<unknown>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v)) continue;
    seen.add(v);
    if (isHandle(v as object)) {
      (v as Handle)._mark = mark;
      continue;
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Promise) continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== null && typeof item === "object") stack.push(item);
    } else if (v instanceof Map) {
      for (const [k, item] of v) stack.push(k, item);
    } else if (v instanceof Set) {
      for (const item of v) stack.push(item);
    } else {
      for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
      // Module buffers live in a non-enumerable map.
      const buffers = (v as { _buffers?: unknown })._buffers;
      if (buffers instanceof Map) stack.push(buffers);
    }
  }
}

/**
 * Marks the tensors a call stored on `owner` (a module's `this.cache = h`): its own fields, and
 * tensors directly inside arrays and plain objects there (not submodules: each marks its own).
 */
function markFields(owner: object, mark: number): void {
  const fields = owner as Record<string, unknown>;
  for (const key of Object.keys(owner)) {
    const v = fields[key];
    if (v === null || typeof v !== "object") continue;
    if (isHandle(v)) (v as Handle)._mark = mark;
    else if (Array.isArray(v)) {
      for (const item of v) {
        if (item !== null && typeof item === "object" && isHandle(item)) item._mark = mark;
      }
    } else if (Object.getPrototypeOf(v) === Object.prototype) {
      for (const item of Object.values(v)) {
        if (item !== null && typeof item === "object" && isHandle(item)) (item as Handle)._mark = mark;
      }
    }
  }
}

/**
 * Runs `fn` as a library call that owns its temporaries: tensors it creates and does not return
 * are released when it returns (or throws); tensors it stored on `owner`'s fields survive too (a
 * module's forward). A call that returns a Promise keeps everything (its pending work may use
 * it); async library code releases its own temporaries.
 */
export function inFrameOf<T>(fn: () => T, owner?: object): T {
  frameStarts.push(frameHandles.length);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    closeFrame(undefined);
    throw e;
  }
  closeFrame(result, result instanceof Promise, owner);
  return result;
}

/**
 * Runs `fn`, the user's code called back by the library (a gradient hook, a module hook), as code
 * outside every library call: what it creates belongs to the user (it may keep a gradient or an
 * activation in a closure), not to the call that runs it.
 */
export function asUserCode<T>(fn: () => T): T {
  const open = frameStarts.splice(0);
  try {
    return fn();
  } finally {
    frameStarts.push(...open);
  }
}

/**
 * Threads of the CPU backend: the thread count setting (`torch.setNumThreads`), what the runtime
 * allows, and the pool of workers that run parts of kernel calls.
 *
 * Where the runtime has shared memory and workers (Deno, Bun, Node >= 20.16, cross-origin isolated
 * pages), the backend's wasm memory is a shared, growable `WebAssembly.Memory` and the kernels are
 * compiled with their memory import marked shared. Once calls big enough to split add up to about
 * 0.1 s of work (kernels.ts, POOL_START_AFTER_NS), the pool starts: `getNumThreads() - 1` workers,
 * each instantiating the same compiled module over that memory with its own scratch block. Until
 * they report ready (and pass a self-test: the same product computed by every worker must equal the
 * calling thread's, bit for bit) calls run on the calling thread, so nothing waits for start-up.
 *
 * A call split into parts (row blocks, tiles, planes: disjoint outputs) writes one argument list
 * per part into a shared array, publishes the job in one atomic word (threads allowed, parts, next
 * part), wakes as many workers as it wants and takes parts itself: every thread takes the next part
 * by compare-exchange of that word, so a part is taken once, only while its job is in progress,
 * and a worker that wakes late finds nothing left and costs nothing. The call ends when every part
 * is counted done. Workers poll their wake word briefly before they sleep in `Atomics.wait`, so
 * calls in quick succession find them awake without taking CPU time from a busy machine. Memory ownership stays on the calling thread:
 * workers only read and write the blocks of the parts they took, all done before the call's
 * temporaries are freed or anything is allocated.
 *
 * Workers start from the JavaScript text of `worker_main.ts` (generated at build time), through
 * `node:worker_threads` where the runtime has it (Deno, Bun, Node: its workers are unref'd, so they
 * never keep a process alive, and `deno test`'s sanitizers do not count them) or a module `Worker`
 * from a blob URL (browsers). The text needs no file beside the library and nothing from the
 * network, so it works from source, from a package and from a bundle alike.
 * @module
 */
import { leb } from "./wasm_bytes.ts";
import { WORKER_SOURCE } from "./worker_source.generated.ts";
import type { WorkerInit } from "./worker_main.ts";

/** The most threads `setNumThreads` accepts. */
export const MAX_THREADS = 256;

let requested: number | null = null;

function defaultThreads(): number {
  const hc = (globalThis as { navigator?: { hardwareConcurrency?: unknown } }).navigator?.hardwareConcurrency;
  return typeof hc === "number" && Number.isInteger(hc) && hc >= 1 ? Math.min(hc, MAX_THREADS) : 1;
}

/**
 * Sets how many threads CPU kernels may use (PyTorch's `torch.set_num_threads`), counting the
 * calling thread: 1 runs everything on the calling thread. The default is the number of cores
 * the runtime reports (`navigator.hardwareConcurrency`). Where the runtime has no shared memory
 * or workers, kernels run on one thread whatever the setting (see `torch.cpu.threadingReason`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * torch.setNumThreads(2);
 * assertEquals(torch.getNumThreads(), 2);
 * ```
 */
export function setNumThreads(n: number): void {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new RangeError(
      `setNumThreads: expected a whole number of threads from 1 to ${MAX_THREADS}, got ${
        typeof n === "number" ? n : typeof n
      }`,
    );
  }
  requested = n;
}

/**
 * The number of threads CPU kernels may use (set by {@link setNumThreads}; by default the number
 * of cores the runtime reports).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * assertEquals(torch.getNumThreads(), navigator.hardwareConcurrency); // by default, the cores reported
 * ```
 */
export function getNumThreads(): number {
  return requested ?? defaultThreads();
}

type NodeWorker = {
  postMessage(m: unknown): void;
  terminate(): unknown;
  unref(): void;
  on(ev: "error", f: (e: unknown) => void): void;
};
type WorkerThreads = { Worker: new (url: URL) => NodeWorker };

/** `node:worker_threads` where the runtime has it (Deno, Bun, Node), synchronously. */
function workerThreads(): WorkerThreads | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  try {
    const wt = p?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined;
    return typeof wt?.Worker === "function" ? wt : null;
  } catch {
    return null;
  }
}

/**
 * Null when this runtime can run kernels on worker threads over a shared memory, else why not.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { threadSupport } from "./threads.ts";
 * assertEquals(threadSupport(), null); // in Deno, Bun and Node
 * ```
 */
export function threadSupport(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics?.wait !== "function") {
    return g.crossOriginIsolated === false
      ? "the page is not cross-origin isolated, so it has no shared memory (serve it with the headers " +
        "Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)"
      : "this runtime has no SharedArrayBuffer or Atomics.wait";
  }
  if (g.crossOriginIsolated === false) {
    return "the page is not cross-origin isolated (serve it with the headers Cross-Origin-Opener-Policy: " +
      "same-origin and Cross-Origin-Embedder-Policy: require-corp)";
  }
  // Web Worker first: in Deno, reaching `process` loads the Node compatibility layer (~12 ms).
  if (typeof g.Worker !== "function" && !workerThreads()) {
    const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
    return node
      ? `Node ${node} has no process.getBuiltinModule to reach node:worker_threads synchronously (Node 20.16 ` +
        "and later have it)"
      : "this runtime has no workers (neither node:worker_threads nor Worker), so it runs one thread";
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (e) {
    return `this runtime cannot make a shared WebAssembly.Memory (${(e as Error)?.message ?? e})`;
  }
  return null;
}

/**
 * A copy of a kernels build (which imports an unshared `env.memory` with a maximum) whose memory
 * import is marked shared, so that every worker can instantiate it over one memory. Only the
 * limits flag of that import changes (0x01 to 0x03): the code is the same.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { sharedMemoryBuild } from "./threads.ts";
 * // (module (import "env" "memory" (memory 1 2)))
 * const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 2, 16, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 1, 1, 2]);
 * assertEquals(sharedMemoryBuild(bytes).at(-3), 3); // the limits flag: shared, with a maximum
 * ```
 */
export function sharedMemoryBuild(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes);
  let at = 8;
  while (at < out.length) {
    const id = out[at];
    const [size, body] = leb(out, at + 1);
    if (id === 2) {
      let [count, p] = leb(out, body);
      for (; count > 0; count--) {
        let len: number;
        [len, p] = leb(out, p);
        p += len;
        [len, p] = leb(out, p);
        p += len;
        const kind = out[p++];
        if (kind === 0) [, p] = leb(out, p);
        else if (kind === 1) {
          p++;
          p = out[p] & 1 ? leb(out, leb(out, p + 1)[1])[1] : leb(out, p + 1)[1];
        } else if (kind === 2) {
          if (out[p] !== 1) break;
          out[p] = 3;
          return out;
        } else if (kind === 3) p += 2;
        else break;
      }
      break;
    }
    at = body + size;
  }
  throw new Error("cpu backend: the kernels build has no unshared memory import with a maximum to share");
}

// Control words (Int32Array indices; see WorkerInit.layout). Each worker's wake, ready and direct
// words sit in their own 64 bytes.
const JOB = 0, DONE = 1, ERROR = 2, STOP = 3;
const SLOT = 16;
const wakeOf = (worker: number) => SLOT * (worker + 1);
const readyOf = (worker: number) => SLOT * (worker + 1) + 1;
const directOf = (worker: number) => SLOT * (worker + 1) + 2;
/** The job word: threads that may take parts, parts, next part. */
const jobWord = (threads: number, parts: number, next: number) =>
  ((threads << 22) | (parts << 11) | next) >>> 0;
/** Numbers per part: function number, argument count, up to 22 arguments. */
export const PART_STRIDE = 24;
/** The most parts one call may be split into. */
export const MAX_PARTS = 1024;
/**
 * Polls of its wake word before an idle worker sleeps (a few µs). Short: a polling worker takes
 * CPU time from the calling thread wherever the cores are busy (the scheduler shares a session's
 * time between its threads). On the loaded 2-core machine (load average 5), MLP / CNN steps on 2
 * threads took 1.11-1.27× the 1-thread time with 2 000 polls, 1.39-2.23× with 200 000 and 0.77-1.37×
 * with 20 000 (A/B runs a minute apart, 2026-12-04); the calling thread still takes parts itself,
 * so a worker slow to wake costs nothing.
 */
const WORKER_SPIN = 2_000;
/** Polls of the done count before the calling thread sleeps waiting for the last parts. */
const CALLER_SPIN = 200_000;
/** How long workers may take to start before the pool gives up on them. */
const START_TIMEOUT_MS = 60_000;

interface Handle {
  post(m: WorkerInit): void;
  terminate(): void;
}

/** Starts one worker running WORKER_SOURCE; `onError` hears of a worker that failed to load. */
function spawn(onError: (message: string) => void): Handle {
  const wt = workerThreads();
  if (wt) {
    const w = new wt.Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`));
    w.unref();
    w.on("error", (e) => onError(String((e as Error)?.message ?? e)));
    return { post: (m) => w.postMessage(m), terminate: () => void w.terminate() };
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  try {
    const w = new Worker(url, { type: "module" });
    w.addEventListener("error", (e) => onError((e as ErrorEvent).message || "the worker failed to load"));
    return { post: (m) => w.postMessage(m), terminate: () => w.terminate() };
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** What the pool needs to start a worker. */
export interface PoolOptions {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Export names of the kernels parts may call (their index is the function number). */
  names: string[];
  /** A scratch block for thread `t` (1, 2, ...), allocated by the caller for the pool's lifetime. */
  scratch(thread: number): number;
  /**
   * Checks newly started workers: runs a direct-mode job (thread t computes part t) and returns
   * null when every result is right, else what was wrong.
   */
  selfTest(pool: ThreadPool, workers: number): string | null;
}

/** The workers of one backend (see the module documentation). */
export class ThreadPool {
  readonly #o: PoolOptions;
  readonly #ctrl = new Int32Array(new SharedArrayBuffer(4 * SLOT * (MAX_THREADS + 1)));
  /** Part argument lists, PART_STRIDE numbers each. */
  readonly args = new Float64Array(new SharedArrayBuffer(8 * PART_STRIDE * MAX_PARTS));
  readonly #workers: Handle[] = [];
  readonly #started: number[] = [];
  /** Workers that passed the self-test (a prefix of #workers). */
  #tested = 0;
  /** Why the pool stopped for good (null while it works). */
  failure: string | null = null;
  /** Whether this thread may block in Atomics.wait (not a browser's main thread). */
  readonly #canWait: boolean;
  /** Jobs run so far (for tests and benchmarks). */
  jobs = 0;
  /** Parts of those jobs that worker threads ran (the rest ran on the calling thread). */
  workerParts = 0;

  constructor(options: PoolOptions) {
    this.#o = options;
    let canWait = true;
    try {
      Atomics.wait(this.#ctrl, STOP, 1, 0); // "not-equal" at once where blocking is allowed
    } catch {
      canWait = false;
    }
    this.#canWait = canWait;
  }

  /** Workers started so far. */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * How many workers can take parts now, at most `want`: starts workers up to `want`, and
   * self-tests those that have become ready since the last call. 0 while they start, and for good
   * once the pool failed (see {@link failure}).
   */
  available(want: number): number {
    if (this.failure !== null) return 0;
    while (this.#workers.length < want) {
      try {
        this.#start();
      } catch (e) {
        if (this.#workers.length === 0) {
          this.#fail(`worker threads could not be started (${(e as Error)?.message ?? e})`);
          return 0;
        }
        break;
      }
    }
    let ready = this.#tested;
    while (ready < this.#workers.length) {
      const s = Atomics.load(this.#ctrl, readyOf(ready));
      if (s === 2) {
        this.#fail(`a worker thread could not instantiate the kernels over the shared memory`);
        return 0;
      }
      if (s !== 1) {
        if (performance.now() - this.#started[ready] > START_TIMEOUT_MS) {
          this.#fail(`worker threads did not start within ${START_TIMEOUT_MS / 1000} s`);
          return 0;
        }
        break;
      }
      ready++;
    }
    if (ready > this.#tested) {
      const wrong = this.#o.selfTest(this, ready);
      if (wrong !== null) {
        this.#fail(`the self-test of the worker threads failed (${wrong}), so kernels run on one thread`);
        return 0;
      }
      this.#tested = ready;
    }
    return Math.min(want, this.#tested);
  }

  #start(): void {
    const i = this.#workers.length;
    const thread = i + 1;
    const scratch = this.#o.scratch(thread);
    const h = spawn((message) => {
      if (this.failure === null) this.#fail(`a worker thread failed: ${message}`);
    });
    this.#workers.push(h);
    this.#started.push(performance.now());
    h.post({
      module: this.#o.module,
      memory: this.#o.memory,
      ctrl: this.#ctrl,
      args: this.args,
      names: this.#o.names,
      thread,
      scratch,
      spin: WORKER_SPIN,
      layout: {
        job: JOB,
        done: DONE,
        error: ERROR,
        stop: STOP,
        wake: wakeOf(i),
        ready: readyOf(i),
        direct: directOf(i),
        stride: PART_STRIDE,
      },
    });
  }

  /** Writes part `p`: function number `fn` called with `args`. */
  setPart(p: number, fn: number, args: readonly number[]): void {
    if (args.length > PART_STRIDE - 2) throw new Error(`cpu backend: a part has ${args.length} arguments`);
    const a = this.args, base = p * PART_STRIDE;
    a[base] = fn;
    a[base + 1] = args.length;
    for (let i = 0; i < args.length; i++) a[base + 2 + i] = args[i];
  }

  /**
   * Runs `parts` parts (written with {@link setPart}) on up to `helpers` workers and this thread,
   * which runs its parts with `runHere`; returns when every part is done. `direct`: part t runs
   * on thread t (part 0 here), for the self-test.
   */
  run(parts: number, helpers: number, runHere: (part: number) => void, direct = false): void {
    const c = this.#ctrl, threads = helpers + 1;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, ERROR, 0);
    if (direct) { for (let i = 0; i < helpers; i++) Atomics.store(c, directOf(i), 1); }
    Atomics.store(c, JOB, jobWord(threads, parts, direct ? parts : 0));
    for (let i = 0; i < helpers; i++) {
      Atomics.add(c, wakeOf(i), 1);
      Atomics.notify(c, wakeOf(i), 1);
    }
    this.jobs++;
    let failure: unknown = null, ranHere = 0;
    const here = (p: number) => {
      ranHere++;
      try {
        runHere(p);
      } catch (e) {
        failure ??= e;
      }
      Atomics.add(c, DONE, 1);
    };
    if (direct) here(0);
    for (;;) {
      const v = Atomics.load(c, JOB);
      const next = v & 0x7ff;
      if (next >= parts) break;
      if (Atomics.compareExchange(c, JOB, v, v + 1) === v) here(next);
    }
    let d = Atomics.load(c, DONE);
    for (let k = 0; d < parts && k < CALLER_SPIN; k++) d = Atomics.load(c, DONE);
    while (d < parts) {
      if (this.#canWait) Atomics.wait(c, DONE, d, 50);
      d = Atomics.load(c, DONE);
    }
    this.workerParts += parts - ranHere;
    if (failure !== null) throw failure;
    const bad = Atomics.load(c, ERROR);
    if (bad !== 0) {
      throw new Error(`cpu backend: part ${bad - 1} of a kernel call failed on a worker thread`);
    }
  }

  #fail(why: string): void {
    this.failure = why;
    this.stop();
  }

  /** Stops and terminates every worker (idempotent); the pool takes no more work. */
  stop(): void {
    this.failure ??= "the worker threads were stopped";
    const c = this.#ctrl;
    Atomics.store(c, STOP, 1);
    for (let i = 0; i < this.#workers.length; i++) {
      Atomics.add(c, wakeOf(i), 1);
      Atomics.notify(c, wakeOf(i));
    }
    for (const w of this.#workers) w.terminate();
    this.#workers.length = 0;
    this.#tested = 0;
  }
}

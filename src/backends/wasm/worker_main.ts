/**
 * The code of one worker thread of the CPU backend's pool (see `threads.ts`). It is not imported
 * at run time: `tools/build_worker.ts` writes this function's JavaScript text into
 * `worker_source.generated.ts`, and the pool starts workers from that text, so the same worker
 * starts from the sources, from a published package and from any bundle, with no file to find and
 * nothing fetched. The function therefore refers to nothing outside itself (no imports, no
 * module-level names): everything it needs arrives in its one init message.
 * @module
 */

/** The init message a worker receives (all numbers are indices into `ctrl` or counts). */
export interface WorkerInit {
  /** The kernels, compiled for a shared memory. */
  module: WebAssembly.Module;
  /** The calling thread's (shared) wasm memory. */
  memory: WebAssembly.Memory;
  /** Control words: an Int32Array over a SharedArrayBuffer. */
  ctrl: Int32Array;
  /** Part arguments: a Float64Array over a SharedArrayBuffer, `stride` numbers per part. */
  args: Float64Array;
  /** Export names of the kernels, indexed by the function numbers the parts carry. */
  names: string[];
  /** This worker's thread index (1, 2, ...: 0 is the calling thread). */
  thread: number;
  /** Its scratch block in the shared memory (`scratch_bytes()` bytes). */
  scratch: number;
  /** Atomics.load polls of its state word before it sleeps in Atomics.wait. */
  spin: number;
  /** Control-word layout. */
  layout: {
    next: number;
    parts: number;
    error: number;
    mode: number;
    stop: number;
    /**
     * Index of this worker's state word: 0 idle, 1 offered a job (by the calling thread, which
     * takes the offer back with a compare-exchange to 0 if the worker has not claimed it when the
     * parts are done), 2 claimed by the worker, which sets 0 when it is done. The ready word
     * (1 ready, 2 failed to instantiate) follows it.
     */
    state: number;
    /** Numbers per part in `args`: function number, argument count, arguments. */
    stride: number;
  };
}

/**
 * Waits for the init message, instantiates the kernels over the shared memory, marks itself ready
 * (ready word 1, or 2 when instantiation failed) and then serves jobs until the stop word is set:
 * wait for an offer on its state word, claim it, take parts from the shared counter (or its own
 * part in direct mode), run them, and set its state word back to idle.
 */
export function workerMain(): void {
  type Fn = (...args: number[]) => unknown;
  const g = globalThis as unknown as {
    process?: { getBuiltinModule?: (name: string) => unknown };
    onmessage: ((e: { data: unknown }) => void) | null;
  };
  const serve = (init: WorkerInit): void => {
    const { ctrl, args, layout: L } = init;
    const state = L.state, ready = L.state + 1;
    let fns: Fn[];
    try {
      const instance = new WebAssembly.Instance(init.module, {
        env: {
          memory: init.memory,
          abort(_msg: number, _file: number, line: number, col: number) {
            throw new Error(`cpu backend: wasm kernel aborted at ${line}:${col} on worker ${init.thread}`);
          },
        },
      });
      const exports = instance.exports as Record<string, Fn>;
      exports.set_thread(init.thread, init.scratch);
      fns = init.names.map((n) => exports[n]);
    } catch {
      Atomics.store(ctrl, ready, 2);
      return;
    }
    Atomics.store(ctrl, ready, 1);
    const list: number[] = [];
    const run = (p: number): void => {
      const base = p * L.stride;
      const n = args[base + 1];
      list.length = n;
      for (let i = 0; i < n; i++) list[i] = args[base + 2 + i];
      fns[args[base]](...list);
    };
    for (;;) {
      let s = Atomics.load(ctrl, state);
      for (let i = 0; s !== 1 && i < init.spin; i++) s = Atomics.load(ctrl, state);
      while (s !== 1) {
        Atomics.wait(ctrl, state, s);
        s = Atomics.load(ctrl, state);
      }
      if (Atomics.compareExchange(ctrl, state, 1, 2) !== 1) continue; // taken back: no job for us
      if (Atomics.load(ctrl, L.stop) !== 0) return;
      const parts = ctrl[L.parts];
      let p = -1;
      try {
        if (ctrl[L.mode] === 1) {
          p = init.thread;
          if (p < parts) run(p);
        } else {
          for (;;) {
            p = Atomics.add(ctrl, L.next, 1);
            if (p >= parts) break;
            run(p);
          }
        }
      } catch {
        Atomics.compareExchange(ctrl, L.error, 0, p + 1);
        Atomics.store(ctrl, L.next, parts);
      }
      Atomics.store(ctrl, state, 0);
      Atomics.notify(ctrl, state);
    }
  };
  const wt = g.process?.getBuiltinModule?.("node:worker_threads") as
    | { parentPort: { once(ev: "message", f: (d: WorkerInit) => void): void } | null }
    | undefined;
  if (wt?.parentPort) {
    wt.parentPort.once("message", serve);
  } else {
    g.onmessage = (e) => {
      g.onmessage = null;
      serve(e.data as WorkerInit);
    };
  }
}

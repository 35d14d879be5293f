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
  /** Atomics.load polls of its wake word before it sleeps in Atomics.wait. */
  spin: number;
  /** Control-word layout. */
  layout: {
    /**
     * The job word: `threads << 22 | parts << 11 | next`. Parts are taken by compare-exchange of
     * the whole word (next + 1), so a thread only ever takes an untaken part of the job in
     * progress, and only when its index is below `threads` (the job's workspace has a slice for
     * threads 0 .. threads - 1). The calling thread publishes a job by storing this word.
     */
    job: number;
    /** Parts finished (the calling thread waits for it to reach the job's part count). */
    done: number;
    /** 1 + the first part that threw, 0 when none did. */
    error: number;
    /** 1: stop (the worker returns). */
    stop: number;
    /** This worker's wake word: bumped (and notified) when a job may want it. */
    wake: number;
    /** This worker's ready word: 1 ready, 2 failed to instantiate. */
    ready: number;
    /**
     * This worker's direct-part word (the self-test): 1 when the job wants part `thread` run by
     * this worker, which sets it back to 0 when it takes it.
     */
    direct: number;
    /** Numbers per part in `args`: function number, argument count, arguments. */
    stride: number;
  };
}

/**
 * Waits for the init message, instantiates the kernels over the shared memory, marks itself ready
 * (or failed) and then serves jobs until the stop word is set: take parts of the job in progress
 * while there are any (or its own part, in direct mode), count each one done, then poll its wake
 * word a while and sleep on it.
 */
export function workerMain(): void {
  type Fn = (...args: number[]) => unknown;
  const g = globalThis as unknown as {
    process?: { getBuiltinModule?: (name: string) => unknown };
    onmessage: ((e: { data: unknown }) => void) | null;
  };
  const serve = (init: WorkerInit): void => {
    const { ctrl, args, layout: L } = init;
    const me = init.thread;
    let fns: Fn[];
    try {
      const instance = new WebAssembly.Instance(init.module, {
        env: {
          memory: init.memory,
          abort(_msg: number, _file: number, line: number, col: number) {
            throw new Error(`cpu backend: wasm kernel aborted at ${line}:${col} on worker ${me}`);
          },
        },
      });
      const exports = instance.exports as Record<string, Fn>;
      exports.set_thread(me, init.scratch);
      fns = init.names.map((n) => exports[n]);
    } catch {
      Atomics.store(ctrl, L.ready, 2);
      return;
    }
    Atomics.store(ctrl, L.ready, 1);
    const list: number[] = [];
    /** Runs part p, counts it done (waking the calling thread after the last one). */
    const run = (p: number, parts: number): void => {
      try {
        const base = p * L.stride;
        const n = args[base + 1];
        list.length = n;
        for (let i = 0; i < n; i++) list[i] = args[base + 2 + i];
        fns[args[base]](...list);
      } catch {
        Atomics.compareExchange(ctrl, L.error, 0, p + 1);
      }
      if (Atomics.add(ctrl, L.done, 1) + 1 === parts) Atomics.notify(ctrl, L.done);
    };
    let seen = Atomics.load(ctrl, L.wake);
    for (;;) {
      if (Atomics.load(ctrl, L.stop) !== 0) return;
      if (Atomics.compareExchange(ctrl, L.direct, 1, 0) === 1) {
        run(me, (Atomics.load(ctrl, L.job) >>> 11) & 0x7ff);
      }
      for (;;) {
        const v = Atomics.load(ctrl, L.job);
        const parts = (v >>> 11) & 0x7ff, next = v & 0x7ff;
        if (next >= parts || me >= v >>> 22) break;
        if (Atomics.compareExchange(ctrl, L.job, v, v + 1) === v) run(next, parts);
      }
      let w = Atomics.load(ctrl, L.wake);
      for (let i = 0; w === seen && i < init.spin; i++) w = Atomics.load(ctrl, L.wake);
      while (w === seen) {
        Atomics.wait(ctrl, L.wake, seen);
        w = Atomics.load(ctrl, L.wake);
      }
      seen = w;
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

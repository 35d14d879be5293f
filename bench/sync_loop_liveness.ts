/**
 * Can a synchronous loop learn that a result it dropped is garbage? This measures the one signal
 * JavaScript could give inside a single job, `WeakRef`, to show why the plain loop's dropped-result
 * rows (bench/plain_loop.ts: conv2d forward, matmul) spill: a result the loop drops stays resident
 * until a `FinalizationRegistry` callback runs, and those run only between tasks.
 *
 *   deno run --v8-flags=--expose-gc bench/sync_loop_liveness.ts
 *   bun --expose-gc bench/sync_loop_liveness.ts
 *
 * Each case hands N "tensors" a token object (what a storage would watch through a `WeakRef`),
 * drops the tensors inside one synchronous loop, forces a full garbage collection halfway and counts
 * the tokens of already-dropped tensors that the `WeakRef`s report as collected. ECMAScript keeps
 * the target of a `WeakRef` created or dereferenced in the current job alive until the job ends
 * (`AddToKeptObjects`). V8 (Deno, Node, Chromium, workerd) does so, and releases the kept objects
 * only when a task ends, not between the microtasks of a module graph's evaluation: a token made
 * while the library loads is still kept in the script's top-level loop. Only tokens made before a
 * task boundary are reported, one token per dropped result, and a loop that never yields cannot
 * make new ones; and a token is reported only after a full collection, which V8 runs rarely
 * while nothing is spilled. JavaScriptCore (Bun) reports both cases (2026-12-05, Bun 1.4.5).
 */
const N = 20_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (typeof gc !== "function") {
  throw new Error("run with --v8-flags=--expose-gc (Deno) or --expose-gc (Bun): the case forces a full GC");
}

interface Tokens {
  pool: object[];
  refs: WeakRef<object>[];
}

function makeTokens(): Tokens {
  const pool: object[] = [], refs: WeakRef<object>[] = [];
  for (let i = 0; i < N; i++) {
    const token = {};
    pool.push(token);
    refs.push(new WeakRef(token));
  }
  return { pool, refs };
}

/** Drops N token holders in one synchronous loop; returns how many dead tokens the WeakRefs report. */
function dropInOneJob({ pool, refs }: Tokens): number {
  let reported = 0;
  for (let i = 0; i < N; i++) {
    const holder = { token: pool.pop(), payload: new Array(16).fill(i) };
    void holder;
    if (i === N / 2) gc!();
    // After the GC, one token handed out (and dropped) before it, per iteration: collected by the
    // GC, if the WeakRef may say so. (No token is dereferenced before the GC: that would keep it.)
    if (i > N / 2 && refs[N - 1 - (i - N / 2 - 1)].deref() === undefined) reported++;
  }
  return reported;
}

const expected = N / 2 - 1;
const sameJob = dropInOneJob(makeTokens());
const earlier = makeTokens();
await new Promise((resolve) => setTimeout(resolve, 0)); // a task boundary: the kept objects are released
const earlierJob = dropInOneJob(earlier);
console.log("| tokens (and their WeakRefs) made | dropped tokens reported collected after a full GC |");
console.log("| --- | ---: |");
console.log(`| in the job that drops them (a script's top-level loop) | ${sameJob} of ${expected} |`);
console.log(`| in an earlier job (before an await) | ${earlierJob} of ${expected} |`);

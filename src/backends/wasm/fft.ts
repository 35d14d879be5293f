/**
 * The CPU backend's FFT launcher (kernel `fft_f32` in assembly/fft.ts) and its plans, and the
 * elementwise complex product (`complexMul_f32`, assembly/complex.ts): the
 * factorisation of n into radices 4, 2, 3, 5, 7, 11, 13 (Stockham stages) or, when n has a larger
 * prime factor, Bluestein's chirp z over a power of two M >= 2n - 1. Twiddles and chirps are
 * computed in float64 from exact angles (k mod n) and rounded once to float32; plans are cached
 * per n (the last {@link PLAN_CACHE} lengths).
 * @module
 */
import type { FftArgs, RfftArgs, Storage } from "../backend.ts";
import { complexMulContract, fftContract, rfftContract } from "../contract_fft.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage } from "./shared.ts";
import { bluesteinTables, root } from "../fft_tables.ts";

/** Radices the Stockham stages take; a prime factor above the last goes to Bluestein. */
const RADICES = [4, 2, 3, 5, 7, 11, 13];
/** Plans kept (by n). */
const PLAN_CACHE = 16;
/** Estimated single-thread nanoseconds per float of a complex product (splits large calls). */
const NS_PER_PRODUCT_VALUE = 0.25;
/** Estimated single-thread nanoseconds per complex value and radix-2 stage (splits large calls). */
const NS_PER_VALUE_STAGE = 0.35;

/** A plan's bytes (i32 header, float32 data) and the kernel's work bytes per row. */
interface Plan {
  bytes: Uint8Array;
  work: number;
}

const cache = new Map<number, Plan>();

/** n's radices (product n) or null when n has a prime factor above 13. */
function factor(n: number): number[] | null {
  const out: number[] = [];
  let rest = n;
  for (const r of RADICES) {
    while (rest % r === 0) {
      out.push(r);
      rest /= r;
    }
  }
  return rest === 1 ? out : null;
}

function headerInts(count: number): number {
  return (count + 3) & ~3;
}

function mixedPlan(n: number, radices: number[]): Uint8Array {
  const head = headerInts(4 + radices.length);
  let values = 0, s = 1;
  for (const r of radices) {
    values += r + ((n / s) / r) * (r - 1);
    s *= r;
  }
  const bytes = new Uint8Array(head * 4 + values * 8);
  const h = new Int32Array(bytes.buffer, 0, head), d = new Float32Array(bytes.buffer, head * 4);
  h[0] = 0;
  h[1] = n;
  h[2] = radices.length;
  radices.forEach((r, j) => h[3 + j] = r);
  h[3 + radices.length] = head * 4;
  let at = 0;
  s = 1;
  for (const r of radices) {
    const l = n / s, m = l / r;
    for (let k = 0; k < r; k++) {
      [d[at], d[at + 1]] = root(k, r);
      at += 2;
    }
    for (let t = 1; t < r; t++) {
      for (let p = 0; p < m; p++) {
        [d[at], d[at + 1]] = root(p * t, l);
        at += 2;
      }
    }
    s *= r;
  }
  return bytes;
}

function bluesteinPlan(n: number): { bytes: Uint8Array; m: number } {
  const { m, chirp, forward, inverse } = bluesteinTables(n);
  const sub = mixedPlan(m, factor(m)!);
  const head = headerInts(7) * 4, chirpAt = head, fwdAt = chirpAt + n * 8, invAt = fwdAt + m * 8;
  const subAt = invAt + m * 8;
  const bytes = new Uint8Array(subAt + sub.length);
  new Int32Array(bytes.buffer, 0, 7).set([1, n, m, chirpAt, fwdAt, invAt, subAt]);
  new Float32Array(bytes.buffer, chirpAt, 2 * n).set(chirp);
  new Float32Array(bytes.buffer, fwdAt, 2 * m).set(forward);
  new Float32Array(bytes.buffer, invAt, 2 * m).set(inverse);
  bytes.set(sub, subAt);
  return { bytes, m };
}

/** The cached plan of length n. */
export function fftPlan(n: number): Plan {
  let plan = cache.get(n);
  if (plan !== undefined) {
    cache.delete(n);
    cache.set(n, plan);
    return plan;
  }
  const radices = factor(n);
  if (radices !== null) {
    plan = { bytes: mixedPlan(n, radices), work: n * 8 };
  } else {
    const { bytes, m } = bluesteinPlan(n);
    plan = { bytes, work: 3 * m * 8 };
  }
  cache.set(n, plan);
  if (cache.size > PLAN_CACHE) cache.delete(cache.keys().next().value!);
  return plan;
}

/** See `Backend.fft`. */
export function fft(ctx: WasmKernels, x: Storage, args: FftArgs): WasmStorage {
  const s = checkStorage("fft", x);
  fftContract(s, args);
  const { batch, n } = args, numel = batch * n * 2;
  if (numel === 0) return ctx.zeros("float32", 0);
  const plan = fftPlan(n);
  const parts = batch >= 2
    ? Math.min(batch, 1 + ctx.helpers(numel * Math.log2(n + 1) * NS_PER_VALUE_STAGE))
    : 1;
  ctx.plan("fft", "float32", numel + Math.ceil((plan.bytes.length + parts * plan.work) / 4), s);
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, op] = ctx.output("float32", numel);
    const pp = ctx.heap.temp(plan.bytes.length);
    const wp = ctx.heap.temp(parts * plan.work);
    ctx.view("uint8", pp, plan.bytes.length).set(plan.bytes);
    const list: number[][] = [];
    for (let p = 0; p < parts; p++) {
      const from = Math.floor((batch * p) / parts), to = Math.floor((batch * (p + 1)) / parts);
      if (to > from) {
        list.push([
          xp + from * n * 8,
          op + from * n * 8,
          pp,
          wp + p * plan.work,
          to - from,
          args.inverse ? 1 : 0,
        ]);
      }
    }
    ctx.runParts("fft_f32", list, parts - 1);
    return out;
  });
}

const rfftTwiddles = new Map<number, Uint8Array>();

/** W_n^k for k < n / 2 (float32 pairs), cached with the plans' lengths. */
function halfTwiddles(n: number): Uint8Array {
  let t = rfftTwiddles.get(n);
  if (t === undefined) {
    const v = new Float32Array(n);
    for (let k = 0; k < n / 2; k++) [v[2 * k], v[2 * k + 1]] = root(k, n);
    t = new Uint8Array(v.buffer);
    rfftTwiddles.set(n, t);
    if (rfftTwiddles.size > PLAN_CACHE) rfftTwiddles.delete(rfftTwiddles.keys().next().value!);
  }
  return t;
}

/** See `Backend.rfft`. */
export function rfft(ctx: WasmKernels, x: Storage, args: RfftArgs): WasmStorage {
  const s = checkStorage("rfft", x);
  rfftContract(s, args);
  const { batch, n } = args, half = n / 2, numel = batch * (half + 1) * 2;
  if (numel === 0 || batch === 0) return ctx.zeros("float32", numel);
  const plan = fftPlan(half), tw = halfTwiddles(n), work = half * 8 + plan.work;
  const parts = batch >= 2
    ? Math.min(batch, 1 + ctx.helpers(batch * n * Math.log2(n) * NS_PER_VALUE_STAGE / 2))
    : 1;
  ctx.plan("rfft", "float32", numel + Math.ceil((plan.bytes.length + tw.length + parts * work) / 4), s);
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, op] = ctx.output("float32", numel);
    const pp = ctx.heap.temp(plan.bytes.length),
      tp = ctx.heap.temp(tw.length),
      wp = ctx.heap.temp(parts * work);
    ctx.view("uint8", pp, plan.bytes.length).set(plan.bytes);
    ctx.view("uint8", tp, tw.length).set(tw);
    const list: number[][] = [];
    for (let p = 0; p < parts; p++) {
      const from = Math.floor((batch * p) / parts), to = Math.floor((batch * (p + 1)) / parts);
      if (to > from) {
        list.push([xp + from * n * 4, op + from * (half + 1) * 8, pp, tp, wp + p * work, to - from]);
      }
    }
    ctx.runParts("rfft_f32", list, parts - 1);
    return out;
  });
}

/** See `Backend.complexMul` (kernel `complexMul_f32` in assembly/complex.ts). */
export function complexMul(ctx: WasmKernels, a: Storage, b: Storage, n: number, conjB: boolean): WasmStorage {
  const sa = checkStorage("complexMul", a), sb = checkStorage("complexMul", b);
  complexMulContract(sa, sb, n);
  if (n === 0) return ctx.zeros("float32", 0);
  ctx.plan("complexMul", "float32", 2 * n, sa, sb);
  const helpers = n >= 8192 ? ctx.helpers(2 * n * NS_PER_PRODUCT_VALUE) : 0;
  return ctx.call(() => {
    const ap = ctx.input(sa), bp = ctx.input(sb);
    const [out, op] = ctx.output("float32", 2 * n);
    const flag = conjB ? 1 : 0;
    if (helpers === 0) ctx.fn("complexMul_f32")(ap, bp, op, n, flag);
    else {ctx.splitRun(
        "complexMul_f32",
        helpers,
        n,
        16,
        (f, t) => [ap + f * 8, bp + f * 8, op + f * 8, t - f, flag],
      );}
    return out;
  });
}

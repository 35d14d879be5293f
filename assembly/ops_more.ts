// deno-fmt-ignore-file
// atan2 and hypot (float32, float64) with the binary operand layout of elementwise.ts; nanToNum
// (replacement values for NaN, +inf and -inf); searchsorted (binary search of values in sorted
// rows, PyTorch's lower/upper bound comparisons, an optional sorter permutation per row).
// atan2 and hypot are musl's (AssemblyScript's Mathf/Math): hypotf computes in double, atan2f is
// within an ulp, as the C library PyTorch's CPU kernels call.

type P = usize;

const A_ATAN2 = 0, A_HYPOT = 1;

// @ts-ignore: decorator
@inline function binRun<T>(op: i32, a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void {
  const sz = <usize>sizeof<T>();
  let ia = 0, ib = 0;
  for (let i = 0; i < n; i++) {
    const va = load<T>(a + <usize>ia * sz), vb = load<T>(b + <usize>ib * sz);
    let r: T;
    if (sizeof<T>() == 4) {
      r = <T>(op == A_ATAN2 ? Mathf.atan2(<f32>va, <f32>vb) : Mathf.hypot(<f32>va, <f32>vb));
    } else {
      r = <T>(op == A_ATAN2 ? Math.atan2(<f64>va, <f64>vb) : Math.hypot(<f64>va, <f64>vb));
    }
    store<T>(out + <usize>i * sz, r);
    if (++ia == aLen) ia = 0;
    if (++ib == bLen) ib = 0;
  }
}

export function atan2_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<f32>(A_ATAN2, a, aLen, b, bLen, out, n); }
export function hypot_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<f32>(A_HYPOT, a, aLen, b, bLen, out, n); }
export function atan2_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<f64>(A_ATAN2, a, aLen, b, bLen, out, n); }
export function hypot_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binRun<f64>(A_HYPOT, a, aLen, b, bLen, out, n); }

// ---------------------------------------------------------------------------------------------
// nanToNum: NaN -> nan, +inf -> posinf, -inf -> neginf; other values unchanged.

// @ts-ignore: decorator
@inline function nanToNumRun<T>(x: P, out: P, n: i32, nan: T, posinf: T, neginf: T): void {
  const sz = <usize>sizeof<T>();
  for (let i = 0; i < n; i++) {
    const v = load<T>(x + <usize>i * sz);
    let r = v;
    if (v != v) r = nan;
    else if (v == <T>Infinity) r = posinf;
    else if (v == <T>-Infinity) r = neginf;
    store<T>(out + <usize>i * sz, r);
  }
}

export function nanToNum_f32(x: P, out: P, n: i32, nan: f32, posinf: f32, neginf: f32): void { nanToNumRun<f32>(x, out, n, nan, posinf, neginf); }
export function nanToNum_f64(x: P, out: P, n: i32, nan: f64, posinf: f64, neginf: f64): void { nanToNumRun<f64>(x, out, n, nan, posinf, neginf); }

// ---------------------------------------------------------------------------------------------
// searchsorted: `seq` holds `rows` sorted rows of `len` (one row shared by every value when
// `rows` is 1 and `perRow` is 0), `values` holds rows of `perRow` values (all of them in one row
// when shared), `sorter` (0 for none) a permutation of each row that sorts it. Writes int32
// positions: the first index whose value is >= v (left), or > v (right). The comparisons are
// PyTorch's (`!(mid >= v)` / `!(mid > v)`), so NaN values go to the end.

// @ts-ignore: decorator
@inline function goesRight<T>(m: T, v: T, right: i32): bool {
  return right != 0 ? !(m > v) : !(m >= v);
}

// @ts-ignore: decorator
@inline function elementAt<T>(seq: P, base: usize, k: i32, sorter: P): T {
  const at = sorter != 0 ? <usize>load<i32>(sorter + ((base + <usize>k) << 2)) : <usize>k;
  return load<T>(seq + (base + at) * <usize>sizeof<T>());
}

// The branch-free lower bound: the range [lo, lo + m) holds the answer, halved by a select.
// @ts-ignore: decorator
@inline function searchRun<T>(
  seq: P, len: i32, values: P, n: i32, perRow: i32, sorter: P, right: i32, out: P,
): void {
  const sz = <usize>sizeof<T>();
  for (let i = 0; i < n; i++) {
    const row = perRow > 0 ? i / perRow : 0;
    const base = <usize>row * <usize>len;
    const v = load<T>(values + <usize>i * sz);
    let lo = 0;
    if (len > 0) {
      let m = len;
      while (m > 1) {
        const half = m >> 1;
        lo = select<i32>(lo + half, lo, goesRight<T>(elementAt<T>(seq, base, lo + half, sorter), v, right));
        m -= half;
      }
      lo += <i32>goesRight<T>(elementAt<T>(seq, base, lo, sorter), v, right);
    }
    store<i32>(out + (<usize>i << 2), lo);
  }
}

export function searchsorted_f32(seq: P, len: i32, values: P, n: i32, perRow: i32, sorter: P, right: i32, out: P): void { searchRun<f32>(seq, len, values, n, perRow, sorter, right, out); }
export function searchsorted_f64(seq: P, len: i32, values: P, n: i32, perRow: i32, sorter: P, right: i32, out: P): void { searchRun<f64>(seq, len, values, n, perRow, sorter, right, out); }
export function searchsorted_i32(seq: P, len: i32, values: P, n: i32, perRow: i32, sorter: P, right: i32, out: P): void { searchRun<i32>(seq, len, values, n, perRow, sorter, right, out); }

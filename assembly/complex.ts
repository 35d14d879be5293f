// deno-fmt-ignore-file
// Elementwise complex64 products on interleaved (re, im) float32 pairs: `complexMul_f32(a, b, out,
// n, conjB)` gives out_k = a_k b_k (or a_k conj(b_k)) for n pairs, each part rounded as
// `ar*br - ai*bi` and `ar*bi + ai*br` are (the composite over real parts it replaces, bit for bit).
import { TMP } from "./common";

// Sign masks that negate lanes 0 and 2 (the products ai*bi) or, for conj(b), lanes 1 and 3.
const NEG_EVEN: usize = memory.data<i32>([<i32>0x80000000, 0, <i32>0x80000000, 0]);
const NEG_ODD: usize = memory.data<i32>([0, <i32>0x80000000, 0, <i32>0x80000000]);

/** Two complex products from [a0r a0i a1r a1i] and [b0r b0i b1r b1i]. */
// @ts-ignore: decorator
@inline function mul2(a: v128, b: v128, sign: v128): v128 {
  const bre = i32x4.shuffle(b, b, 0, 0, 2, 2);
  const bim = i32x4.shuffle(b, b, 1, 1, 3, 3);
  const aswap = i32x4.shuffle(a, a, 1, 0, 3, 2);
  // [ar br, ai br] + ±[ai bi, ar bi]
  return f32x4.add(f32x4.mul(a, bre), v128.xor(f32x4.mul(aswap, bim), sign));
}

export function complexMul_f32(a: usize, b: usize, out: usize, n: i32, conjB: i32): void {
  const sign = v128.load(conjB != 0 ? NEG_ODD : NEG_EVEN);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const p = <usize>k << 3;
    v128.store(out + p, mul2(v128.load(a + p), v128.load(b + p), sign));
    v128.store(out + p, mul2(v128.load(a + p, 16), v128.load(b + p, 16), sign), 16);
  }
  for (; k + 2 <= n; k += 2) {
    const p = <usize>k << 3;
    v128.store(out + p, mul2(v128.load(a + p), v128.load(b + p), sign));
  }
  if (k < n) {
    const p = <usize>k << 3;
    v128.store(TMP, v128.splat<i32>(0));
    v128.store(TMP + 16, v128.splat<i32>(0));
    memory.copy(TMP, a + p, 8);
    memory.copy(TMP + 16, b + p, 8);
    v128.store(TMP, mul2(v128.load(TMP), v128.load(TMP, 16), sign));
    memory.copy(out + p, TMP, 8);
  }
}

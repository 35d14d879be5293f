// deno-fmt-ignore-file
// gather / index_select and their adjoint scatterAdd along the middle axis of [outer, len, inner].
// Full mode: index is [outer, idxLen, inner]; 1-d mode (index_select): index has idxLen elements.
// Every kernel validates all indices first and returns the position of the first one outside
// [0, len) (nothing is written then), or -1 when all are valid.

// @ts-ignore: decorator
@inline function firstBad(index: usize, count: usize, len: i32): i32 {
  const lenv = i32x4.splat(len);
  let t: usize = 0;
  for (; t + 4 <= count; t += 4) {
    const v = v128.load(index + (t << 2));
    // Unsigned compare catches negatives too.
    if (v128.any_true(i32x4.ge_u(v, lenv))) break;
  }
  for (; t < count; t++) {
    if (<u32>load<i32>(index + (t << 2)) >= <u32>len) return <i32>t;
  }
  return -1;
}

// @ts-ignore: decorator
@inline function gatherImpl<T>(
  x: usize, index: usize, out: usize, outer: i32, len: i32, inner: i32, idxLen: i32, is1d: bool,
): i32 {
  const sz = <usize>sizeof<T>();
  const count = is1d ? <usize>idxLen : <usize>outer * <usize>idxLen * <usize>inner;
  const bad = firstBad(index, count, len);
  if (bad >= 0) return bad;
  const rowBytes = <usize>inner * sz;
  for (let o = 0; o < outer; o++) {
    const xb = x + <usize>o * <usize>len * rowBytes;
    const ob = out + <usize>o * <usize>idxLen * rowBytes;
    if (is1d) {
      for (let j = 0; j < idxLen; j++) {
        const src = xb + <usize>load<i32>(index + (<usize>j << 2)) * rowBytes;
        memory.copy(ob + <usize>j * rowBytes, src, rowBytes);
      }
    } else {
      const ib = index + ((<usize>o * <usize>idxLen * <usize>inner) << 2);
      for (let j = 0; j < idxLen; j++) {
        const irow = ib + ((<usize>j * <usize>inner) << 2);
        const orow = ob + <usize>j * rowBytes;
        for (let i = 0; i < inner; i++) {
          const src = xb + <usize>load<i32>(irow + (<usize>i << 2)) * rowBytes + <usize>i * sz;
          store<T>(orow + <usize>i * sz, load<T>(src));
        }
      }
    }
  }
  return -1;
}

type P = usize;

/** The position of the first of `count` indices outside [0, len), or -1 (checked before a split call). */
export function first_bad_index(index: P, count: i32, len: i32): i32 {
  return firstBad(index, <usize>count, len);
}

export function gather_x32(x: P, index: P, out: P, outer: i32, len: i32, inner: i32, idxLen: i32, is1d: bool): i32 {
  return gatherImpl<u32>(x, index, out, outer, len, inner, idxLen, is1d);
}
export function gather_x16(x: P, index: P, out: P, outer: i32, len: i32, inner: i32, idxLen: i32, is1d: bool): i32 {
  return gatherImpl<u16>(x, index, out, outer, len, inner, idxLen, is1d);
}
export function gather_x8(x: P, index: P, out: P, outer: i32, len: i32, inner: i32, idxLen: i32, is1d: bool): i32 {
  return gatherImpl<u8>(x, index, out, outer, len, inner, idxLen, is1d);
}

// @ts-ignore: decorator
@inline function scatterAddImpl(
  isF32: bool, src: usize, index: usize, out: usize, outer: i32, len: i32, inner: i32, idxLen: i32, is1d: bool,
): i32 {
  const count = is1d ? <usize>idxLen : <usize>outer * <usize>idxLen * <usize>inner;
  const bad = firstBad(index, count, len);
  if (bad >= 0) return bad;
  const rowBytes = <usize>inner << 2;
  memory.fill(out, 0, <usize>outer * <usize>len * rowBytes);
  for (let o = 0; o < outer; o++) {
    const sb = src + <usize>o * <usize>idxLen * rowBytes;
    const ob = out + <usize>o * <usize>len * rowBytes;
    if (is1d) {
      for (let j = 0; j < idxLen; j++) {
        const s = sb + <usize>j * rowBytes;
        const d = ob + <usize>load<i32>(index + (<usize>j << 2)) * rowBytes;
        let i = 0;
        for (; i + 4 <= inner; i += 4) {
          const q = <usize>i << 2;
          const v = isF32 ? f32x4.add(v128.load(d + q), v128.load(s + q)) : i32x4.add(v128.load(d + q), v128.load(s + q));
          v128.store(d + q, v);
        }
        for (; i < inner; i++) {
          const q = <usize>i << 2;
          if (isF32) store<f32>(d + q, load<f32>(d + q) + load<f32>(s + q));
          else store<i32>(d + q, load<i32>(d + q) + load<i32>(s + q));
        }
      }
    } else {
      const ib = index + ((<usize>o * <usize>idxLen * <usize>inner) << 2);
      for (let j = 0; j < idxLen; j++) {
        const irow = ib + ((<usize>j * <usize>inner) << 2);
        const srow = sb + <usize>j * rowBytes;
        for (let i = 0; i < inner; i++) {
          const q = <usize>i << 2;
          const d = ob + <usize>load<i32>(irow + q) * rowBytes + q;
          if (isF32) store<f32>(d, load<f32>(d) + load<f32>(srow + q));
          else store<i32>(d, load<i32>(d) + load<i32>(srow + q));
        }
      }
    }
  }
  return -1;
}

export function scatterAdd_f32(src: P, index: P, out: P, outer: i32, len: i32, inner: i32, idxLen: i32, is1d: bool): i32 {
  return scatterAddImpl(true, src, index, out, outer, len, inner, idxLen, is1d);
}
export function scatterAdd_i32(src: P, index: P, out: P, outer: i32, len: i32, inner: i32, idxLen: i32, is1d: bool): i32 {
  return scatterAddImpl(false, src, index, out, outer, len, inner, idxLen, is1d);
}
export function gather_x64(x: P, index: P, out: P, outer: i32, len: i32, inner: i32, idxLen: i32, is1d: bool): i32 {
  return gatherImpl<u64>(x, index, out, outer, len, inner, idxLen, is1d);
}

// deno-fmt-ignore-file
// Strided copy, one kernel per element size: for every index i of `shape`,
// dst[i . dstStrides] = src[i . srcStrides]. `src` and `dst` point at the first element (offsets
// already applied); shape and strides (in elements, may be 0 or negative) are i32 arrays in memory.
// The caller merges contiguous dimensions first, so the innermost dimension is as long as possible.
import { COUNTERS } from "./common";

const TILE = 16;

// @ts-ignore: decorator
@inline function copyRow<T>(src: usize, ss: i32, dst: usize, ds: i32, n: i32): void {
  const sz = <i32>sizeof<T>();
  if (ss == 1 && ds == 1) {
    memory.copy(dst, src, <usize>(n * sz));
  } else if (ss == 0 && ds == 1) {
    // A broadcast along the row (an expand of a size-1 innermost dim): one value, splatted.
    const v = load<T>(src);
    if (sz == 1) {
      memory.fill(dst, <u8>v, <usize>n);
    } else {
      let j = 0;
      if (sz == 4) {
        const vv = v128.splat<i32>(load<i32>(src));
        for (; j + 4 <= n; j += 4) v128.store(dst + (<usize>j << 2), vv);
      } else if (sz == 8) {
        const vv = v128.splat<i64>(load<i64>(src));
        for (; j + 2 <= n; j += 2) v128.store(dst + (<usize>j << 3), vv);
      } else if (sz == 2) {
        const vv = v128.splat<i16>(load<i16>(src));
        for (; j + 8 <= n; j += 8) v128.store(dst + (<usize>j << 1), vv);
      }
      for (; j < n; j++) store<T>(dst + <usize>(j * sz), v);
    }
  } else {
    let s = src, d = dst;
    const sb = <usize>(ss * sz), db = <usize>(ds * sz);
    for (let j = 0; j < n; j++) {
      store<T>(d, load<T>(s));
      s += sb;
      d += db;
    }
  }
}

/** A 2-D block [rows, cols] copied in TILE x TILE tiles, so strided reads stay in cache. */
// @ts-ignore: decorator
@inline function copyTiled<T>(src: usize, sr: i32, sc: i32, dst: usize, dr: i32, dc: i32, rows: i32, cols: i32): void {
  const sz = <i32>sizeof<T>();
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = min(j0 + TILE, cols);
      for (let i = i0; i < i1; i++) {
        let s = src + <usize>((i * sr + j0 * sc) * sz);
        let d = dst + <usize>((i * dr + j0 * dc) * sz);
        const sb = <usize>(sc * sz), db = <usize>(dc * sz);
        for (let j = j0; j < j1; j++) {
          store<T>(d, load<T>(s));
          s += sb;
          d += db;
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function copyImpl<T>(src: usize, dst: usize, rank: i32, shape: usize, sstr: usize, dstr: usize): void {
  const sz = <i32>sizeof<T>();
  if (rank == 0) {
    store<T>(dst, load<T>(src));
    return;
  }
  for (let d = 0; d < rank; d++) if (load<i32>(shape + (<usize>d << 2)) <= 0) return;
  const last = <usize>(rank - 1) << 2;
  const n = load<i32>(shape + last);
  const ss = load<i32>(sstr + last);
  const ds = load<i32>(dstr + last);
  // Transpose-like layouts (inner dst contiguous, inner src strided, or the reverse) use tiles.
  let tiled = false;
  if (rank >= 2 && n >= TILE && !(ss == 1 && ds == 1) && ss != 0) {
    const prev = <usize>(rank - 2) << 2;
    tiled = load<i32>(shape + prev) >= TILE;
  }
  const odoRank = tiled ? rank - 2 : rank - 1;
  if (odoRank == 1 && !tiled) {
    // Rows of a 2-D copy (an expand along the row among them): constant steps, no odometer.
    const rows = load<i32>(shape), rs = load<i32>(sstr) * sz, rd = load<i32>(dstr) * sz;
    for (let o = 0; o < rows; o++) copyRow<T>(src + <usize>(o * rs), ss, dst + <usize>(o * rd), ds, n);
    return;
  }
  let outer = 1;
  for (let d = 0; d < odoRank; d++) {
    outer *= load<i32>(shape + (<usize>d << 2));
    store<i32>(COUNTERS + (<usize>d << 2), 0);
  }
  let sOff = 0, dOff = 0;
  for (let o = 0; o < outer; o++) {
    const s = src + <usize>(sOff * sz);
    const d = dst + <usize>(dOff * sz);
    if (tiled) {
      const prev = <usize>(rank - 2) << 2;
      copyTiled<T>(s, load<i32>(sstr + prev), ss, d, load<i32>(dstr + prev), ds, load<i32>(shape + prev), n);
    } else {
      copyRow<T>(s, ss, d, ds, n);
    }
    for (let k = odoRank - 1; k >= 0; k--) {
      const kp = <usize>k << 2;
      const c = load<i32>(COUNTERS + kp) + 1;
      const ks = load<i32>(sstr + kp), kd = load<i32>(dstr + kp);
      sOff += ks;
      dOff += kd;
      if (c < load<i32>(shape + kp)) {
        store<i32>(COUNTERS + kp, c);
        break;
      }
      store<i32>(COUNTERS + kp, 0);
      sOff -= ks * c;
      dOff -= kd * c;
    }
  }
}

export function copy_x32(src: usize, dst: usize, rank: i32, shape: usize, sstr: usize, dstr: usize): void {
  copyImpl<u32>(src, dst, rank, shape, sstr, dstr);
}
export function copy_x16(src: usize, dst: usize, rank: i32, shape: usize, sstr: usize, dstr: usize): void {
  copyImpl<u16>(src, dst, rank, shape, sstr, dstr);
}
export function copy_x8(src: usize, dst: usize, rank: i32, shape: usize, sstr: usize, dstr: usize): void {
  copyImpl<u8>(src, dst, rank, shape, sstr, dstr);
}
export function copy_x64(src: usize, dst: usize, rank: i32, shape: usize, sstr: usize, dstr: usize): void {
  copyImpl<u64>(src, dst, rank, shape, sstr, dstr);
}

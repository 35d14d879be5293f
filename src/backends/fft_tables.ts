/**
 * The host-side tables of the FFT kernels (both backends), in float64 from exact angles (k mod n)
 * and rounded once by the caller: roots of unity and Bluestein's chirp and convolution kernels.
 * @module
 */

/** e^{-2 pi i k / n} with k reduced mod n first, in float64. */
export function root(k: number, n: number): [number, number] {
  const a = (-2 * Math.PI * (k % n)) / n;
  return [Math.cos(a), Math.sin(a)];
}

/** In-place float64 radix-2 FFT (forward) of interleaved values, length a power of two. */
export function fft64(v: Float64Array, n: number): void {
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [v[2 * i], v[2 * j]] = [v[2 * j], v[2 * i]];
      [v[2 * i + 1], v[2 * j + 1]] = [v[2 * j + 1], v[2 * i + 1]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    for (let k = 0; k < half; k++) {
      const [wr, wi] = root(k, len);
      for (let i = k; i < n; i += len) {
        const a = 2 * i, b = 2 * (i + half);
        const xr = v[b] * wr - v[b + 1] * wi, xi = v[b] * wi + v[b + 1] * wr;
        v[b] = v[a] - xr;
        v[b + 1] = v[a + 1] - xi;
        v[a] += xr;
        v[a + 1] += xi;
      }
    }
  }
}

/**
 * Bluestein's tables for length n: the power of two m >= 2n - 1, the chirp c_j = e^{-i pi j^2 / n}
 * (n values), and the FFTs over m of the convolution kernels conj(c) (forward) and c (inverse)
 * placed at j and m - j, scaled by 1 / m (interleaved pairs).
 */
export function bluesteinTables(
  n: number,
): { m: number; chirp: Float64Array; forward: Float64Array; inverse: Float64Array } {
  let m = 1;
  while (m < 2 * n - 1) m *= 2;
  const chirp = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) {
    // e^{-i pi j^2 / n} = e^{-2 pi i (j^2 mod 2n) / 2n}; j^2 is exact below 2^53.
    const [cr, ci] = root((j * j) % (2 * n), 2 * n);
    chirp[2 * j] = cr;
    chirp[2 * j + 1] = ci;
  }
  const kernel = (sign: number) => {
    const b = new Float64Array(2 * m);
    for (let j = 0; j < n; j++) {
      for (const k of j === 0 ? [0] : [j, m - j]) {
        b[2 * k] = chirp[2 * j] / m;
        b[2 * k + 1] = (sign * chirp[2 * j + 1]) / m;
      }
    }
    fft64(b, m);
    return b;
  };
  return { m, chirp, forward: kernel(-1), inverse: kernel(1) };
}

/** W_n^k = e^{-2 pi i k / n} for k < n / 2 (interleaved pairs, float64). */
export function halfRoots(n: number): Float64Array {
  const v = new Float64Array(2 * Math.floor(n / 2));
  for (let k = 0; k < n / 2; k++) [v[2 * k], v[2 * k + 1]] = root(k, n);
  return v;
}

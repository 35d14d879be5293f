/**
 * `Generator.multinomial`'s draws, as PyTorch's CPU `torch.multinomial` makes them (exponential
 * keys without replacement, a binary search of the cumulative weights with replacement).
 * @module
 */

/** The draws `sampleMultinomial` makes: a `Generator`'s (a shape, so that no import goes back to `random.ts`). */
export interface MultinomialDraws {
  /** A float64 uniform in [0, 1). */
  nextDouble(): number;
  /** Fills `out` with exponential samples of rate 1. */
  exponentialFill<T extends Float32Array | Float64Array>(out: T): T;
}

/** `g.multinomial(weights, numSamples, opts)`: see `Generator.multinomial`. */
export function sampleMultinomial(
  g: MultinomialDraws,
  weights: Float32Array | Float64Array,
  numSamples: number,
  opts: { replacement?: boolean; rows?: number } = {},
): Int32Array {
  const { replacement = false, rows = 1 } = opts;
  const f32 = weights instanceof Float32Array;
  const round = f32 ? Math.fround : (v: number) => v;
  const n = weights.length / rows;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `multinomial: ${weights.length} weights do not split into ${rows} rows of at least one category`,
    );
  }
  if (!Number.isInteger(numSamples) || numSamples <= 0) {
    throw new RangeError(`multinomial: cannot sample n_sample <= 0 samples (got ${numSamples})`);
  }
  if (!replacement && numSamples > n) {
    throw new RangeError(
      `multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement ` +
        `(${numSamples} samples of ${n} categories)`,
    );
  }
  const out = new Int32Array(rows * numSamples);
  if (!replacement) {
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      if (!(w >= 0) || w === Infinity) {
        throw new RangeError("multinomial: probability tensor contains either `inf`, `nan` or element < 0");
      }
    }
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += weights[r * n + j];
      if (!(sum > 0)) {
        throw new RangeError(`multinomial: invalid multinomial distribution (sum of probabilities <= 0)`);
      }
    }
    const q = f32 ? new Float32Array(weights.length) : new Float64Array(weights.length);
    g.exponentialFill(q);
    const keys = new Float64Array(weights.length);
    for (let i = 0; i < keys.length; i++) keys[i] = round(weights[i] / q[i]);
    const order = Array.from({ length: n }, (_, j) => j);
    for (let r = 0; r < rows; r++) {
      const base = r * n;
      order.sort((a, b) => keys[base + b] - keys[base + a] || a - b);
      for (let s = 0; s < numSamples; s++) out[r * numSamples + s] = order[s];
      for (let j = 0; j < n; j++) order[j] = j;
    }
    return out;
  }
  const cum = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const w = weights[r * n + j];
      if (!(w >= 0)) {
        throw new RangeError(
          "multinomial: invalid multinomial distribution (encountering probability entry < 0)",
        );
      }
      if (w === Infinity) {
        throw new RangeError(
          "multinomial: invalid multinomial distribution (encountering probability entry = infinity or NaN)",
        );
      }
      sum = round(sum + w);
      cum[j] = sum;
    }
    if (!(sum > 0)) {
      throw new RangeError("multinomial: invalid multinomial distribution (sum of probabilities <= 0)");
    }
    for (let j = 0; j < n; j++) cum[j] = round(cum[j] / sum);
    cum[n - 1] = 1;
    for (let s = 0; s < numSamples; s++) {
      const u = g.nextDouble();
      let lo = 0, hi = n;
      while (hi - lo > 0) {
        const mid = lo + ((hi - lo) >> 1);
        if (cum[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      out[r * numSamples + s] = lo;
    }
  }
  return out;
}

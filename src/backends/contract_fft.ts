/**
 * Contract of the FFT kernel `fft` (see `contract.ts`): what each backend checks before launching
 * it, so both refuse the same inputs with the same messages.
 * @module
 */
import type { FftArgs, RfftArgs, Storage } from "./backend.ts";

/** `fft(x, { batch, n, inverse })`: a float32 storage of `batch` rows of n interleaved complex values. */
export function fftContract(x: Storage, args: FftArgs): void {
  const { batch, n } = args;
  if (!Number.isInteger(batch) || batch < 0 || !Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `fft: expected a batch >= 0 and a length n >= 1 (integers), got batch ${batch}, n ${n}`,
    );
  }
  if (x.dtype !== "float32") throw new TypeError(`fft: the kernel takes float32 storages, got ${x.dtype}`);
  if (x.numel !== batch * n * 2) {
    throw new RangeError(
      `fft: expected ${batch} rows of ${n} (re, im) pairs (${batch * n * 2} values), got ${x.numel}`,
    );
  }
}

/** `rfft(x, { batch, n })`: a float32 storage of `batch` real rows of even length n. */
export function rfftContract(x: Storage, args: RfftArgs): void {
  const { batch, n } = args;
  if (!Number.isInteger(batch) || batch < 0 || !Number.isInteger(n) || n < 2 || n % 2 !== 0) {
    throw new RangeError(
      `rfft: expected a batch >= 0 and an even length n >= 2 (integers), got batch ${batch}, n ${n}`,
    );
  }
  if (x.dtype !== "float32") throw new TypeError(`rfft: the kernel takes float32 storages, got ${x.dtype}`);
  if (x.numel !== batch * n) {
    throw new RangeError(`rfft: expected ${batch} rows of ${n} values (${batch * n}), got ${x.numel}`);
  }
}

/** `complexMul(a, b, n, conjB)`: two float32 storages of n (re, im) pairs each. */
export function complexMulContract(a: Storage, b: Storage, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`complexMul: expected a count n >= 0 (an integer), got ${n}`);
  }
  for (const [which, s] of [["a", a], ["b", b]] as const) {
    if (s.dtype !== "float32") {
      throw new TypeError(`complexMul: ${which} must be a float32 storage of (re, im) pairs, got ${s.dtype}`);
    }
    if (s.numel !== 2 * n) {
      throw new RangeError(
        `complexMul: ${which} must hold ${n} (re, im) pairs (${2 * n} values), got ${s.numel}`,
      );
    }
  }
}

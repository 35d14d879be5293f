/**
 * `LossHistory`: per-step values (a loss, an accuracy) collected on the device they were computed
 * on and read back in one transfer.
 *
 * On the GPU every read-back waits for the queue (about 11 ms per `mapAsync` through Deno's WebGPU
 * on a software adapter, a few hundred microseconds on a real GPU): a loop that calls
 * `await loss.itemAsync()` every step runs at the speed of the read, not of the kernels.
 * `history.record(loss)` copies the value into a device buffer without reading it, and
 * `await history.values()` reads every recorded value at once (per epoch, or every N steps).
 * @module
 */
import type { Device } from "./backends/backend.ts";
import { zeros } from "./creation.ts";
import { noGrad } from "./autograd/grad_mode.ts";
import { inFrameOf } from "./memory.ts";
import { keep } from "./scope.ts";
import { Tensor } from "./tensor.ts";

/** Options of {@link LossHistory}. */
export interface LossHistoryOptions {
  /** Where the values are kept; by default the device of the first recorded value. */
  device?: Device;
  /** Values the first buffer holds (it doubles when full); default 256. */
  capacity?: number;
}

/**
 * Values recorded step by step on their device (no read-back per step), read in one transfer.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const history = new torch.LossHistory();
 * for (const v of [0.5, 0.25, 2.25]) history.record(torch.tensor(v));
 * assertEquals(history.length, 3);
 * assertEquals(await history.values(), [0.5, 0.25, 2.25]);
 * assertEquals(await history.mean(), 1);
 * ```
 */
export class LossHistory {
  #device: Device | null;
  #capacity: number;
  #buffer: Tensor | null = null;
  #length = 0;

  /** An empty history (see {@link LossHistoryOptions}). */
  constructor(options: LossHistoryOptions = {}) {
    const capacity = options.capacity ?? 256;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`LossHistory: capacity must be a positive integer, got ${capacity}`);
    }
    this.#device = options.device ?? null;
    this.#capacity = capacity;
  }

  /** The number of values recorded. */
  get length(): number {
    return this.#length;
  }

  /** The device the values are kept on (null before the first value when none was given). */
  get device(): Device | null {
    return this.#device;
  }

  /**
   * Appends the value of a one-element floating-point tensor (a loss), copied on its device; the
   * tensor's graph is not kept and nothing is read back.
   */
  record(value: Tensor): void {
    if (!(value instanceof Tensor)) {
      throw new TypeError(
        `LossHistory.record: expected a Tensor, got ${value === null ? "null" : typeof value}`,
      );
    }
    if (value.numel() !== 1) {
      throw new RangeError(
        `LossHistory.record: expected a one-element tensor (a loss), got shape [${value.shape.join(", ")}]`,
      );
    }
    if (value.dtype !== "float32" && value.dtype !== "float16" && value.dtype !== "float64") {
      throw new TypeError(`LossHistory.record: expected a floating-point tensor, got ${value.dtype}`);
    }
    this.#device ??= value.device;
    if (value.device !== this.#device) {
      throw new RangeError(
        `LossHistory.record: this history keeps its values on "${this.#device}", got a tensor on "${value.device}"`,
      );
    }
    // In a frame: the views and the reshaped copy are released when it closes.
    inFrameOf(() =>
      noGrad(() => {
        const buffer = this.#room();
        buffer.narrow(0, this.#length, 1).copy_(value.detach().reshape([1]));
      })
    );
    this.#length++;
  }

  /** Every recorded value, oldest first, read in one transfer. */
  async values(): Promise<number[]> {
    if (this.#buffer === null || this.#length === 0) return [];
    const recorded = inFrameOf(() => this.#buffer!.narrow(0, 0, this.#length));
    try {
      return Array.from(await recorded.dataAsync() as Float32Array | Float64Array);
    } finally {
      recorded.dispose();
    }
  }

  /** The mean of the recorded values (NaN when there are none), read in one transfer. */
  async mean(): Promise<number> {
    const values = await this.values();
    let sum = 0;
    for (const v of values) sum += v;
    return values.length === 0 ? NaN : sum / values.length;
  }

  /** Forgets the recorded values (the buffer is kept for the next ones). */
  clear(): void {
    this.#length = 0;
  }

  /** Frees the buffer; the history is empty afterwards and can record again. */
  dispose(): void {
    this.#buffer?.dispose();
    this.#buffer = null;
    this.#length = 0;
  }

  /** `using history = new LossHistory()` frees the buffer at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The buffer, grown (doubled, old values copied on the device) when full. */
  #room(): Tensor {
    const old = this.#buffer;
    if (old !== null && this.#length < old.numel()) return old;
    const size = old === null ? this.#capacity : old.numel() * 2;
    // float64 where the device has it (the CPU), so that float64 losses keep every digit.
    const dtype = this.#device === "cpu" ? "float64" : "float32";
    const next = keep(zeros([size], { dtype, device: this.#device! }));
    if (old !== null) {
      next.narrow(0, 0, old.numel()).copy_(old);
      old.dispose();
    }
    this.#buffer = next;
    return next;
  }
}

/**
 * The GPU backend's uniform and normal random numbers (kernels in wgsl/random.wgsl).
 * Free functions of the {@link WebGPUBackend} they are called on.
 * @module
 */
import { checkCount } from "../validate.ts";
import type { WebGPUBackend } from "./backend.ts";
import { ceilDiv } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as dispatchOps from "./dispatch.ts";

function random(
  be: WebGPUBackend,
  kind: "uniform" | "normal",
  numel: number,
  seed: number | bigint,
  offset: number,
  a: number,
  b: number,
) {
  be._checkAlive();
  checkCount(kind, "numel", numel);
  checkCount(kind, "offset", offset);
  const out = be._alloc("float32", numel);
  if (numel === 0) return out;
  const s = BigInt.asUintN(64, typeof seed === "bigint" ? seed : BigInt(Math.trunc(seed)));
  const base = dispatchOps.paramWords(be);
  const u = be._u32;
  u[base] = numel;
  u[base + 1] = Number(s & 0xffffffffn);
  u[base + 2] = Number(s >> 32n);
  u[base + 3] = offset % 4294967296;
  u[base + 4] = Math.floor(offset / 4294967296);
  be._f32[base + 5] = a;
  be._f32[base + 6] = b;
  dispatchOps.run1d(
    be,
    be._pipelines.get(`random.${kind}`),
    base,
    [{ binding: 1, entry: be._entryOf(out) }],
    ceilDiv(numel, 4),
  );
  return out;
}

/**
 * `numel` float32 values uniform in `[low, high)` from the counter-based Philox4x32-10
 * generator: the stream is a pure function of `(seed, offset)`, and a call consumes
 * `ceil(numel / 4)` counters, so the caller continues a stream with `offset + ceil(numel / 4)`.
 */
export function uniform(
  be: WebGPUBackend,
  numel: number,
  seed: number | bigint,
  offset: number,
  low = 0,
  high = 1,
): WebGPUStorage {
  return random(be, "uniform", numel, seed, offset, low, high);
}

/** `numel` float32 normal values (Box-Muller over Philox words); counters as {@link uniform}. */
export function normal(
  be: WebGPUBackend,
  numel: number,
  seed: number | bigint,
  offset: number,
  mean = 0,
  std = 1,
): WebGPUStorage {
  return random(be, "normal", numel, seed, offset, mean, std);
}

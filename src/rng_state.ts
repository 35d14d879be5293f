/**
 * The global generator's state at top level, as PyTorch exposes it: `torch.getRngState()`,
 * `torch.setRngState(state)`, `torch.initialSeed()` and `torch.seed()`. States are the 5056 bytes
 * of PyTorch's `torch.get_rng_state()`, so a state saved by PyTorch restores the same stream here
 * and the other way round.
 * @module
 */
import { defaultGenerator, STATE_BYTES } from "./random.ts";
import { Tensor } from "./tensor.ts";
import { tensor } from "./creation.ts";
import { fmtShape } from "./shape.ts";

/**
 * The global generator's state as a uint8 tensor of 5056 elements (PyTorch's
 * `torch.get_rng_state()`, byte for byte): hand it to {@link setRngState} to replay the draws
 * made since, or save it and restore it in PyTorch with `torch.set_rng_state`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.manualSeed(7);
 * const state = torch.getRngState();
 * assertEquals([state.dtype, state.shape], ["uint8", [5056]]);
 * const a = torch.rand(3).toArray();
 * torch.setRngState(state);
 * assertEquals(torch.rand(3).toArray(), a);
 * ```
 */
export function getRngState(): Tensor {
  return tensor(defaultGenerator.getState(), { dtype: "uint8" });
}

/**
 * Restores the global generator from a state of {@link getRngState} (a uint8 CPU tensor of 5056
 * elements) or from its bytes as a `Uint8Array`: PyTorch's `torch.set_rng_state(state)`. States
 * saved by PyTorch's `torch.get_rng_state()` are accepted as they are.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.manualSeed(1);
 * const bytes = torch.getRngState().dataSync() as Uint8Array;
 * const a = torch.randn(4).toArray();
 * torch.setRngState(bytes);
 * assertEquals(torch.randn(4).toArray(), a);
 * ```
 */
export function setRngState(state: Tensor | Uint8Array): void {
  const op = "setRngState";
  let bytes: Uint8Array;
  if (state instanceof Tensor) {
    if (state.dtype !== "uint8") {
      throw new TypeError(`${op}: expected a uint8 tensor (torch.ByteTensor), got dtype ${state.dtype}`);
    }
    if (state.device !== "cpu") {
      throw new TypeError(
        `${op}: expected a CPU tensor, got one on ${state.device} (move it with state.to("cpu"))`,
      );
    }
    if (state.ndim !== 1 || state.numel() !== STATE_BYTES) {
      throw new RangeError(
        `${op}: expected a state of shape [${STATE_BYTES}] (from getRngState), got shape ${
          fmtShape(state.shape)
        }`,
      );
    }
    bytes = Uint8Array.from(state.contiguous().dataSync() as Uint8Array);
  } else if (state instanceof Uint8Array) {
    bytes = state;
  } else {
    throw new TypeError(
      `${op}: expected a uint8 Tensor or a Uint8Array of ${STATE_BYTES} bytes, got ${
        state === null ? "null" : typeof state
      }`,
    );
  }
  try {
    defaultGenerator.setState(bytes);
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/^setState: /, "") : String(e);
    throw new (e instanceof RangeError ? RangeError : TypeError)(`${op}: ${msg}`);
  }
}

/**
 * The seed the global generator was last seeded with (by `manualSeed` or {@link seed}):
 * PyTorch's `torch.initial_seed()`. Before any seeding it is PyTorch's default seed,
 * 67280421310721. A number, exact below 2^53 (a larger bigint seed comes back rounded).
 * @example
 * ```ts
 * import * as torch from "../mod.ts";
 * torch.manualSeed(123);
 * console.assert(torch.initialSeed() === 123);
 * ```
 */
export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}

/**
 * Seeds the global generator with a non-deterministic seed and returns it: PyTorch's
 * `torch.seed()`. The seed comes from `crypto.getRandomValues` and is below 2^53, so the number
 * returned is exact and `torch.manualSeed(torch.seed())`-style replays work (PyTorch's CPU seed
 * may use all 64 bits).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const s = torch.seed();
 * assertEquals(torch.initialSeed(), s);
 * const a = torch.rand(2).toArray();
 * torch.manualSeed(s);
 * assertEquals(torch.rand(2).toArray(), a);
 * ```
 */
export function seed(): number {
  const words = new Uint32Array(2);
  crypto.getRandomValues(words);
  const s = (words[0] & 0x1fffff) * 4294967296 + words[1];
  defaultGenerator.manualSeed(s);
  return s;
}

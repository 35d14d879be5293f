/**
 * The Hurwitz zeta function `torch.special.zeta(input, other)`: ζ(x, q) = Σₖ (q + k)^-x, broadcast
 * over x and q (either may be a number, not both; integer operands compute in float32). Kernels on
 * both devices (the ones polygamma uses). Gradient: `-x·ζ(x + 1, q)` for q; PyTorch 1.13 has none
 * for x, and its backward refuses it (so does this one).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";
import { refuseHalf, runSpecial2 } from "./kernel.ts";

/**
 * `torch.special.zeta(input, other)`: the Hurwitz zeta function ζ(x, q) elementwise, `input` = x
 * and `other` = q broadcast. PyTorch's (Cephes') values off the series' domain: `inf` at x = 1 and
 * at q = 0, -1, -2, ...; NaN for x < 1 and for negative non-integer q with non-integer x.
 * Differentiable in q (`-x·ζ(x + 1, q)`); backward through x throws, as in PyTorch 1.13.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const y = torch.special.zeta(torch.tensor([2, 3]), 1);
 * assertEquals(torch.allclose(y, torch.tensor([Math.PI ** 2 / 6, 1.2020569])), true);
 * ```
 */
export function zeta(input: Tensor | number, other: Tensor | number): Tensor {
  return inFrameOf(() => {
    for (const [arg, v] of [["input", input], ["other", other]] as const) {
      if (!(v instanceof Tensor) && typeof v !== "number") {
        throw new TypeError(
          `special.zeta: argument '${arg}' must be a tensor or a number, got ${describeValue(v)}`,
        );
      }
    }
    refuseHalf("special.zeta", input, other);
    return runSpecial2("special.zeta", "zeta", input, other);
  });
}

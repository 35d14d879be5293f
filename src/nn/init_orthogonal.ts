/**
 * `nn.init.orthogonal_` (re-exported by src/nn/init.ts): PyTorch 1.13's algorithm on its random
 * stream, so a seeded call fills the same values as PyTorch's.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { fmtShape } from "../shape.ts";
import { isFloating } from "../dtype.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { empty } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { diagonal } from "../ops/rearrange.ts";
import { mul, sign } from "../ops/elementwise.ts";
import { transpose, unsqueeze } from "../ops/movement.ts";
import { qr } from "../linalg/qr.ts";
import { type InitOptions, normal_ } from "./init.ts";

/**
 * Fills `t` (at least 2-d, viewed as rows × the rest) with a (semi-)orthogonal matrix times
 * `gain`: as PyTorch, the Q of the QR decomposition of a N(0, 1) matrix (transposed when it has
 * fewer rows than columns), its columns' signs fixed by R's diagonal. Draws from the global
 * generator (or `opts.generator`): with the same seed the values are PyTorch's.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { init } from "./mod.ts";
 * const w = init.orthogonal_(torch.empty(3, 5));
 * assertEquals(torch.allclose(w.matmul(w.t()), torch.eye(3), { atol: 1e-5 }), true);
 * ```
 */
export function orthogonal_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  return inFrameOf(() => {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`orthogonal_: expected a Tensor to fill, got ${t === null ? "null" : typeof t}`);
    }
    if (!isFloating(t.dtype)) {
      throw new TypeError(`orthogonal_: expected a floating point tensor, got ${t.dtype}`);
    }
    if (t.ndim < 2) {
      throw new RangeError(
        `orthogonal_: Only tensors with 2 or more dimensions are supported (got shape ${fmtShape(t.shape)})`,
      );
    }
    if (t.numel() === 0) return t;
    const rows = t.shape[0], cols = t.numel() / rows;
    const dtype = t.dtype === "float64" ? "float64" : "float32";
    const flat = normal_(empty([rows, cols], { dtype }), 0, 1, opts);
    const wide = rows < cols;
    const { Q, R } = qr(wide ? transpose(flat, 0, 1) : flat);
    let q = mul(Q, unsqueeze(sign(diagonal(R, 0, -2, -1)), 0));
    if (wide) q = transpose(q, 0, 1);
    return noGrad(() => {
      let src = mul(q.reshape([...t.shape]), gain);
      if (src.dtype !== t.dtype) src = src.to(t.dtype);
      if (t.device !== "cpu") src = src.to(t.device);
      return t.copy_(src);
    });
  });
}

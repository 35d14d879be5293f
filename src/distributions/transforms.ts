/**
 * `torch.distributions.transforms` (PyTorch 1.13): invertible maps between constrained and
 * unconstrained spaces with their log-Jacobians, the building blocks of
 * `TransformedDistribution` (LogNormal is `Normal` through `ExpTransform`) and of
 * `bijectTo`/`transformTo`. PyTorch calls a transform (`t(x)`); here it is `t.call(x)`, and the
 * inverse `t.inv.call(y)`. The transforms live in `transforms_base.ts`, `transforms_elementwise.ts`,
 * `transforms_simplex.ts` and `transforms_corr.ts`; this module gathers them into one namespace.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { ExpTransform, AffineTransform, ComposeTransform } = torch.distributions.transforms;
 * const t = new ComposeTransform([new ExpTransform(), new AffineTransform(1, 2)]); // y = 1 + 2·exp(x)
 * const y = t.call(torch.tensor([0]));
 * assertEquals(y.toArray(), [3]);
 * assertEquals(t.inv.call(y).toArray(), [0]);
 * ```
 * @module
 */
export * from "./transforms_base.ts";
export * from "./transforms_elementwise.ts";
export * from "./transforms_simplex.ts";
export * from "./transforms_corr.ts";

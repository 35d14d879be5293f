/**
 * `torch.distributions.constraints`: what a parameter or a sample must satisfy. `check(value)`
 * returns a bool tensor (`true` where valid); `String(constraint)` is PyTorch's repr
 * (`GreaterThan(lower_bound=0.0)`), which the validation errors name. The constraints live in
 * `constraints.ts`, `constraints_more.ts` and `constraints_corr.ts`; this module gathers them
 * into one namespace.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const { constraints } = torch.distributions;
 * assertEquals(constraints.nonnegative.check(torch.tensor([1, 0, -1])).toArray(), [true, true, false]);
 * assertEquals(String(constraints.positive), "GreaterThan(lower_bound=0.0)");
 * ```
 * @module
 */
export * from "./constraints.ts";
export * from "./constraints_more.ts";
export * from "./constraints_corr.ts";

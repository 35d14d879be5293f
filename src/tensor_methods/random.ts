/**
 * `Tensor`'s random fills and samplers (`x.uniform_()`, `x.normal_()`, `x.bernoulli_(p)`,
 * `x.multinomial(n)`, ...), drawing PyTorch's CPU streams through `ops/random_fill.ts`. `Tensor`
 * extends the `TensorRandomMethods` interface declared here; `tensor.ts` installs the bodies on
 * `Tensor.prototype` (see its module doc).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import * as rnd from "../ops/random_fill.ts";

/**
 * The random methods of every `Tensor`: in-place fills from a distribution, and sampling with
 * the tensor's elements as probabilities or weights.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.zeros(1000).uniform_(-1, 1);
 * assertEquals(x.ge(-1).all().item<boolean>() && x.lt(1).all().item<boolean>(), true);
 * assertEquals(torch.tensor([0, 1, 0]).float().multinomial(2, { replacement: true }).toArray(), [1, 1]);
 * ```
 */
export interface TensorRandomMethods {
  /** Fills with samples of U(from, to) in place. */
  uniform_(from?: number, to?: number, opts?: rnd.FillOptions): this;
  /** Fills with samples of N(mean, std²) in place. */
  normal_(mean?: number, std?: number, opts?: rnd.FillOptions): this;
  /** Fills with 1 with probability `p` (a number or a tensor of probabilities), else 0, in place. */
  bernoulli_(p?: number | Tensor, opts?: rnd.FillOptions): this;
  /** Samples 0/1 with this tensor's elements as probabilities (`torch.bernoulli(x)`). */
  bernoulli(opts?: rnd.FillOptions): Tensor;
  /** Fills with exponential samples of rate `lambd` in place. */
  exponential_(lambd?: number, opts?: rnd.FillOptions): this;
  /** Fills with random integers in place: `random_()`, `random_(to)` or `random_(from, to)`. */
  random_(...args: (number | rnd.FillOptions)[]): this;
  /** Category indices drawn with this tensor's rows as weights (`torch.multinomial(x, n)`). */
  multinomial(numSamples: number, opts?: rnd.MultinomialOptions): Tensor;
}

/**
 * @internal The bodies of `TensorRandomMethods`, for `tensor.ts` to install on `Tensor.prototype`
 * (a function declaration, so it can be called whichever module of the import circle loads first).
 */
export function randomMethods(): TensorRandomMethods & ThisType<Tensor> {
  return {
    uniform_(from = 0, to = 1, opts?: rnd.FillOptions): Tensor {
      return rnd.uniform_(this, from, to, opts);
    },
    normal_(mean = 0, std = 1, opts?: rnd.FillOptions): Tensor {
      return rnd.normal_(this, mean, std, opts);
    },
    bernoulli_(p: number | Tensor = 0.5, opts?: rnd.FillOptions): Tensor {
      return rnd.bernoulli_(this, p, opts);
    },
    bernoulli(opts?: rnd.FillOptions): Tensor {
      return rnd.bernoulli(this, opts);
    },
    exponential_(lambd = 1, opts?: rnd.FillOptions): Tensor {
      return rnd.exponential_(this, lambd, opts);
    },
    random_(...args: (number | rnd.FillOptions)[]): Tensor {
      return rnd.random_(this, ...args);
    },
    multinomial(numSamples: number, opts?: rnd.MultinomialOptions): Tensor {
      return rnd.multinomial(this, numSamples, opts);
    },
  };
}

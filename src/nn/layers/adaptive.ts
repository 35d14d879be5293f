/**
 * `nn.AdaptiveLogSoftmaxWithLoss`: PyTorch 1.13's efficient softmax approximation for large
 * output spaces (Grave et al., 2016): a head over the most frequent classes (the shortlist, below
 * `cutoffs[0]`) and one entry per tail cluster, and per cluster a two-layer projection (hidden
 * size `inFeatures // divValue^(i+1)`) onto its classes.
 * @module
 */
import { Tensor } from "../../tensor.ts";
import type { Device } from "../../backends/backend.ts";
import type { DType } from "../../dtype.ts";
import { inFrameOf } from "../../memory.ts";
import { asOp } from "../../ops/naming.ts";
import { fmtShape } from "../../shape.ts";
import { zeros } from "../../creation.ts";
import { cat } from "../../ops/indexing.ts";
import { logSoftmax } from "../../ops/reduce.ts";
import { guarded, rangeGuard } from "../../ops/value_checks.ts";
import { describeValue } from "../../backends/contract.ts";
import { Module } from "../module.ts";
import { Linear } from "./linear.ts";
import { ModuleList, Sequential } from "./container.ts";

/** Options of {@link AdaptiveLogSoftmaxWithLoss} (PyTorch's keyword arguments). */
export interface AdaptiveLogSoftmaxWithLossOptions {
  /** The exponent base of the clusters' hidden sizes (default 4). */
  divValue?: number;
  /** Whether the head has a bias (default false). */
  headBias?: boolean;
  /** Where the parameters live (default "cpu"). */
  device?: Device;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
}

/** What {@link AdaptiveLogSoftmaxWithLoss.forward} returns: PyTorch's `_ASMoutput(output, loss)`. */
export interface ASMOutput {
  /** The log-probability of each example's target (`[N]`, or 0-d for an unbatched input). */
  output: Tensor;
  /** The mean negative log-likelihood, 0-d. */
  loss: Tensor;
}

const OP = "AdaptiveLogSoftmaxWithLoss";

/**
 * Adaptive softmax (PyTorch's `nn.AdaptiveLogSoftmaxWithLoss`): classes sorted by frequency are
 * split by `cutoffs` into a shortlist, scored by the head, and clusters, each scored by the head
 * as a whole and by its own projection within. `forward(input, target)` gives each target's
 * log-probability and the mean loss; `logProb(input)` the full `[N, nClasses]` log-probabilities;
 * `predict(input)` the most likely class. Parameters are initialised as PyTorch's from the seeded
 * generator (head, then each cluster's two layers).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const asm = new nn.AdaptiveLogSoftmaxWithLoss(16, 100, [10, 40], { divValue: 2 });
 * const x = torch.randn(8, 16), target = torch.tensor([0, 5, 12, 39, 40, 99, 3, 60], { dtype: "int32" });
 * const { output, loss } = asm(x, target);
 * assertEquals([output.shape, loss.shape], [[8], []]);
 * const full = asm.logProb(x);
 * assertEquals(torch.allclose(full.exp().sum(1), torch.ones(8), { atol: 1e-5 }), true);
 * assertEquals(torch.allclose(full.gather(1, target.unsqueeze(1)).squeeze(1), output, { atol: 1e-5 }), true);
 * assertEquals(asm.predict(x).shape, [8]);
 * ```
 */
export class AdaptiveLogSoftmaxWithLoss extends Module {
  /** Features of each input. */
  readonly inFeatures: number;
  /** Number of classes. */
  readonly nClasses: number;
  /** The cutoffs given, with `nClasses` appended (as PyTorch's `cutoffs`). */
  readonly cutoffs: number[];
  /** The exponent base of the clusters' hidden sizes. */
  readonly divValue: number;
  /** Whether the head has a bias. */
  readonly headBias: boolean;
  /** Classes the head scores directly (`cutoffs[0]`). */
  readonly shortlistSize: number;
  /** Number of tail clusters. */
  readonly nClusters: number;
  /** The head's outputs: the shortlist and one per cluster. */
  readonly headSize: number;
  /** `Linear(inFeatures, headSize)`. */
  head: Linear;
  /** Per cluster, `Sequential(Linear(inFeatures, hidden), Linear(hidden, clusterSize))` without biases. */
  tail: ModuleList;

  /** Creates the module; the arguments are described on the class. */
  constructor(
    inFeatures: number,
    nClasses: number,
    cutoffs: readonly number[],
    opts: AdaptiveLogSoftmaxWithLossOptions = {},
  ) {
    super();
    if (!Number.isInteger(inFeatures) || inFeatures < 0) {
      throw new TypeError(
        `${OP}: inFeatures must be a non-negative integer, got ${describeValue(inFeatures)}`,
      );
    }
    if (!Number.isInteger(nClasses) || nClasses < 2) {
      throw new TypeError(`${OP}: nClasses must be an integer of at least 2, got ${describeValue(nClasses)}`);
    }
    const cs = Array.isArray(cutoffs) ? [...cutoffs] : null;
    if (
      cs === null || cs.length === 0 ||
      cs.some((c, i) => !Number.isInteger(c) || (i > 0 && c <= cs[i - 1])) ||
      cs[0] <= 0 || cs[cs.length - 1] > nClasses - 1
    ) {
      throw new RangeError(
        `${OP}: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, ` +
          `where each value is between 1 and n_classes-1 (got ${
            JSON.stringify(cutoffs)
          } for ${nClasses} classes)`,
      );
    }
    const divValue = opts.divValue ?? 4;
    if (typeof divValue !== "number" || !(divValue > 0)) {
      throw new RangeError(`${OP}: divValue must be a positive number, got ${describeValue(divValue)}`);
    }
    this.inFeatures = inFeatures;
    this.nClasses = nClasses;
    this.cutoffs = [...cs, nClasses];
    this.divValue = divValue;
    this.headBias = opts.headBias ?? false;
    this.shortlistSize = this.cutoffs[0];
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    const lin = { dtype: opts.dtype, device: opts.device };
    this.head = new Linear(inFeatures, this.headSize, { ...lin, bias: this.headBias });
    const tail: Module[] = [];
    for (let i = 0; i < this.nClusters; i++) {
      const hsz = Math.floor(inFeatures / divValue ** (i + 1));
      const osz = this.cutoffs[i + 1] - this.cutoffs[i];
      tail.push(
        new Sequential(
          new Linear(inFeatures, hsz, { ...lin, bias: false }),
          new Linear(hsz, osz, { ...lin, bias: false }),
        ),
      );
    }
    this.tail = new ModuleList(tail);
  }

  /** Re-draws every parameter as at construction (head, then each cluster's two layers). */
  resetParameters(): void {
    this.head.resetParameters();
    for (let i = 0; i < this.nClusters; i++) {
      const seq = this.tail[i] as Sequential;
      (seq.at(0) as Linear).resetParameters();
      (seq.at(1) as Linear).resetParameters();
    }
  }

  /** Cluster i's projection of `x`. */
  #cluster(i: number, x: Tensor): Tensor {
    return (this.tail[i] as Sequential).forward(x);
  }

  /**
   * The log-probability of each target and the mean loss. `input` is `[N, inFeatures]` with
   * `target` `[N]`, or `[inFeatures]` with a 0-d `target`; targets lie in `[0, nClasses)`.
   */
  override forward(input: Tensor, target: Tensor): ASMOutput {
    return asOp(OP, () =>
      inFrameOf(() => {
        if (!(input instanceof Tensor) || !(target instanceof Tensor)) {
          throw new TypeError(
            `${OP}: expected input and target tensors, got ${describeValue(input)} and ${
              describeValue(target)
            }`,
          );
        }
        if (target.dtype !== "int32" && target.dtype !== "uint8") {
          throw new TypeError(`${OP}: target must be an integer tensor, got ${target.dtype}`);
        }
        if (target.ndim === 1) {
          if (input.ndim !== 2) {
            throw new RangeError(
              `${OP}: 1D target tensor expects 2D input tensors, but found inputs with size ${
                fmtShape(input.shape)
              }`,
            );
          }
          if (input.shape[0] !== target.shape[0]) {
            throw new RangeError(
              `${OP}: Input and target should have the same size in the batch dimension (input ${
                fmtShape(input.shape)
              }, target ${fmtShape(target.shape)})`,
            );
          }
        } else if (target.ndim === 0) {
          if (input.ndim !== 1) {
            throw new RangeError(
              `${OP}: 0D target tensor expects 1D input tensors, but found inputs with size ${
                fmtShape(input.shape)
              }`,
            );
          }
        } else {
          throw new RangeError(
            `${OP}: 0D or 1D target tensor expected, multi-target not supported (got ${
              fmtShape(target.shape)
            })`,
          );
        }
        this.#checkFeatures(input);
        const batched = target.ndim === 1;
        const x = batched ? input : input.unsqueeze(0);
        const t = (batched ? target : target.unsqueeze(0)).int();
        const n = this.nClasses;
        if (t.device === "cpu" && t.numel() > 0) {
          const v = t.dataSync();
          let lo = Infinity, hi = -Infinity;
          for (const e of v) {
            lo = Math.min(lo, e);
            hi = Math.max(hi, e);
          }
          if (lo < 0 || hi > n - 1) {
            throw new RangeError(
              `${OP}: Target values should be in [0, ${
                n - 1
              }], but values in range [${lo}, ${hi}] were found.`,
            );
          }
        }
        const guard = rangeGuard(OP, t, 0, n - 1, (v) =>
          `${OP}: Target values should be in [0, ${n - 1}], but ${v} was found.`, {
          dtype: x.dtype,
        });
        // Every cluster's projection runs on every row; each row keeps its own cluster's value.
        let output = zeros([t.shape[0]], { dtype: x.dtype, device: x.device });
        let headIndex = t.clamp(0, n - 1);
        for (let i = 0; i < this.nClusters; i++) {
          const low = this.cutoffs[i], high = this.cutoffs[i + 1];
          const inCluster = t.ge(low).logicalAnd(t.lt(high));
          headIndex = headIndex.where(inCluster.logicalNot(), this.shortlistSize + i);
          const relative = t.sub(low).clamp(0, high - low - 1).unsqueeze(1);
          const local = logSoftmax(this.#cluster(i, x), 1).gather(1, relative).squeeze(1);
          output = local.where(inCluster, output);
        }
        const headLogprob = logSoftmax(this.head.forward(x), 1);
        output = output.add(headLogprob.gather(1, headIndex.unsqueeze(1)).squeeze(1));
        const loss = guarded(output.neg().mean(), guard);
        output = guarded(output, guard);
        return { output: batched ? output : output.squeeze(0), loss };
      }));
  }

  #checkFeatures(input: Tensor): void {
    if (input.shape[input.ndim - 1] !== this.inFeatures) {
      throw new RangeError(
        `${OP}: expected input with ${this.inFeatures} features in its last dim, got shape ${
          fmtShape(input.shape)
        }`,
      );
    }
  }

  #checkBatch(op: string, input: unknown): asserts input is Tensor {
    if (!(input instanceof Tensor) || input.ndim !== 2) {
      throw new RangeError(
        `${op}: expected a 2D input [N, ${this.inFeatures}], got ${
          input instanceof Tensor ? fmtShape(input.shape) : describeValue(input)
        }`,
      );
    }
    this.#checkFeatures(input);
  }

  /** The full log-distribution from the head's output. */
  #fullLogProb(x: Tensor, headOutput: Tensor): Tensor {
    const headLogprob = logSoftmax(headOutput, 1);
    const parts = [headLogprob.narrow(1, 0, this.shortlistSize)];
    for (let i = 0; i < this.nClusters; i++) {
      const clusterLogprob = logSoftmax(this.#cluster(i, x), 1);
      parts.push(clusterLogprob.add(headLogprob.narrow(1, this.shortlistSize + i, 1)));
    }
    return cat(parts, 1);
  }

  /**
   * The log-probability of every class for each row of `input` (`[N, inFeatures]` to
   * `[N, nClasses]`), PyTorch's `log_prob`. Differentiable.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../../mod.ts";
   * import * as nn from "../mod.ts";
   * const asm = new nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2]);
   * assertEquals(asm.logProb(torch.randn(3, 4)).shape, [3, 6]);
   * ```
   */
  logProb(input: Tensor): Tensor {
    return asOp(`${OP}.logProb`, () =>
      inFrameOf(() => {
        this.#checkBatch(`${OP}.logProb`, input);
        return this.#fullLogProb(input, this.head.forward(input));
      }));
  }

  /**
   * The most likely class of each row of `input` (`[N, inFeatures]` to int32 `[N]`), PyTorch's
   * `predict`: the head's choice when it is a shortlist class, else the argmax of the full
   * distribution.
   * @example
   * ```ts
   * import { deepStrictEqual as assertEquals } from "node:assert/strict";
   * import * as torch from "../../../mod.ts";
   * import * as nn from "../mod.ts";
   * const asm = new nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2]);
   * const x = torch.randn(5, 4);
   * assertEquals(torch.equal(asm.predict(x), asm.logProb(x).argmax(1)), true);
   * ```
   */
  predict(input: Tensor): Tensor {
    return asOp(`${OP}.predict`, () =>
      inFrameOf(() => {
        this.#checkBatch(`${OP}.predict`, input);
        const headOutput = this.head.forward(input);
        const choice = headOutput.argmax(1).int();
        const full = this.#fullLogProb(input, headOutput).argmax(1).int();
        return full.where(choice.ge(this.shortlistSize), choice);
      }));
  }
}

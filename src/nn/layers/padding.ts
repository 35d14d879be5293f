/**
 * Padding layers: `ZeroPad2d`, `ConstantPad1d`/`2d`, `ReflectionPad1d`/`2d`,
 * `ReplicationPad1d`/`2d`, each `F.pad` with a fixed amount and mode.
 * @module
 */
import type { Tensor } from "../../tensor.ts";
import { Module, pyFloat, pyTuple } from "../module.ts";
import { pad, type PadMode } from "../../ops/pad.ts";

/** `[left, right]` (1-d) or `[left, right, top, bottom]` (2-d) from one amount or a list. */
function amounts(op: string, padding: number | readonly number[], dims: number): number[] {
  const list = typeof padding === "number" ? new Array(2 * dims).fill(padding) : [...padding];
  if (list.length !== 2 * dims || list.some((p) => !Number.isInteger(p))) {
    throw new RangeError(`${op}: padding must be an integer or ${2 * dims} integers, got ${padding}`);
  }
  return list;
}

/** The base of the padding modules: amounts per side and a mode (PyTorch's `_ReflectionPadNd` and kin). */
export abstract class PadNd extends Module {
  /** The amounts, last dim first (`[left, right, top, bottom]` in 2-d). */
  readonly padding: number[];
  readonly #mode: PadMode;
  readonly #value: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(op: string, dims: number, padding: number | readonly number[], mode: PadMode, value = 0) {
    super();
    this.padding = amounts(op, padding, dims);
    this.#mode = mode;
    this.#value = value;
  }
  /** Applies the module to its input (see the class docs). */
  override forward(input: Tensor): Tensor {
    return pad(input, this.padding, { mode: this.#mode, value: this.#value });
  }
  /** The arguments printed inside `PadNd(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return pyTuple(this.padding);
  }
}

/** The base of the constant padding modules: pads with `value` (PyTorch's `_ConstantPadNd`). */
export abstract class ConstantPadNd extends PadNd {
  /** The fill value. */
  readonly value: number;
  /** Creates the module; the arguments are described on the class. */
  constructor(op: string, dims: number, padding: number | readonly number[], value: number) {
    super(op, dims, padding, "constant", value);
    this.value = value;
  }
  /** The arguments printed inside `ConstantPadNd(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    return `padding=${pyTuple(this.padding)}, value=${pyFloat(this.value)}`;
  }
}

/**
 * Zero padding of the last two dims.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.ZeroPad2d(1)(torch.ones(1, 2, 2)).shape, [1, 4, 4]);
 * ```
 */
export class ZeroPad2d extends PadNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(padding: number | readonly number[]) {
    super("ZeroPad2d", 2, padding, "constant");
  }
}

/**
 * Padding of the last dim with a constant.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.ConstantPad1d([1, 0], 3.5)(torch.tensor([1, 2], { dtype: "float32" })).toArray(), [3.5, 1, 2]);
 * ```
 */
export class ConstantPad1d extends ConstantPadNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(padding: number | readonly number[], value: number) {
    super("ConstantPad1d", 1, padding, value);
  }
}

/**
 * Padding of the last two dims with a constant.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.ConstantPad2d(1, -1)(torch.ones(2, 2)).shape, [4, 4]);
 * ```
 */
export class ConstantPad2d extends ConstantPadNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(padding: number | readonly number[], value: number) {
    super("ConstantPad2d", 2, padding, value);
  }
}

/**
 * Reflection padding of the last dim (the border is mirrored, not repeated).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.ReflectionPad1d(2)(torch.tensor([[1, 2, 3]])).toArray(), [[3, 2, 1, 2, 3, 2, 1]]);
 * ```
 */
export class ReflectionPad1d extends PadNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(padding: number | readonly number[]) {
    super("ReflectionPad1d", 1, padding, "reflect");
  }
}

/**
 * Reflection padding of the last two dims.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.ReflectionPad2d(1)(torch.ones(1, 3, 3)).shape, [1, 5, 5]);
 * ```
 */
export class ReflectionPad2d extends PadNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(padding: number | readonly number[]) {
    super("ReflectionPad2d", 2, padding, "reflect");
  }
}

/**
 * Replication padding of the last dim (the edge value repeated).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.ReplicationPad1d([2, 1])(torch.tensor([[1, 2]])).toArray(), [[1, 1, 1, 2, 2]]);
 * ```
 */
export class ReplicationPad1d extends PadNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(padding: number | readonly number[]) {
    super("ReplicationPad1d", 1, padding, "replicate");
  }
}

/**
 * Replication padding of the last two dims.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * assertEquals(new nn.ReplicationPad2d(1)(torch.ones(1, 2, 2)).shape, [1, 4, 4]);
 * ```
 */
export class ReplicationPad2d extends PadNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(padding: number | readonly number[]) {
    super("ReplicationPad2d", 2, padding, "replicate");
  }
}

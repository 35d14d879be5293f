/**
 * Image transforms in the style of `torchvision.transforms`: `Compose`, `ToTensor`, `Normalize`,
 * `Lambda`. Every transform is callable (`t(x)`), and so is any plain function: data sets take
 * `(x) => y` wherever they take a transform.
 * @module
 */
import { tensor } from "../creation.ts";
import { Tensor } from "../tensor.ts";

/** A transform as data sets accept it: any function from input to output. */
export type TransformFn<I = Tensor, O = Tensor> = (x: I) => O;

/**
 * The base of the callable transforms: an instance is a function (`t(x)` calls `t.forward(x)`),
 * like torchvision's transform objects. Subclasses implement `forward`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Transform } from "./transforms.ts";
 * class Double extends Transform<torch.Tensor, torch.Tensor> {
 *   forward(x: torch.Tensor): torch.Tensor {
 *     return x.mul(2);
 *   }
 * }
 * const t = new Double();
 * assertEquals(t(torch.tensor([1, 2])).toArray(), [2, 4]);
 * ```
 */
export abstract class Transform<I = Tensor, O = Tensor> {
  constructor() {
    const fn = function (x: I): O {
      return (fn as unknown as Transform<I, O>).forward(x);
    };
    Object.setPrototypeOf(fn, new.target.prototype);
    return fn as unknown as Transform<I, O>;
  }
  /** Applies the transform. */
  abstract forward(x: I): O;
  /** torchvision's repr, e.g. `Normalize(mean=[0.5], std=[0.5])`. */
  toString(): string {
    return `${this.constructor.name}()`;
  }
}
/** Transforms are callable. */
export interface Transform<I, O> {
  (x: I): O;
}
// Instances are functions: keep Function.prototype's call/apply/bind in their chain.
Object.setPrototypeOf(Transform.prototype, Function.prototype);

/**
 * Applies transforms in order.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Compose, Normalize, ToTensor } from "./transforms.ts";
 * const t = new Compose([new ToTensor(), new Normalize([0.5], [0.5])]);
 * const img = torch.tensor([[0, 255]], { dtype: "uint8" });
 * assertEquals(t(img).toArray(), [[[-1, 1]]]);
 * ```
 */
export class Compose<I = Tensor, O = Tensor> extends Transform<I, O> {
  /** The transforms, applied first to last. */
  readonly transforms: readonly TransformFn<never, unknown>[];
  /** Composes `transforms` (transform objects or plain functions), applied first to last. */
  constructor(transforms: readonly TransformFn<never, unknown>[]) {
    super();
    if (!Array.isArray(transforms) || transforms.some((t) => typeof t !== "function")) {
      throw new TypeError("Compose: expected an array of transforms (functions)");
    }
    this.transforms = [...transforms];
  }
  /** Applies each transform in turn. */
  forward(x: I): O {
    let v: unknown = x;
    for (const t of this.transforms) v = (t as TransformFn<unknown, unknown>)(v);
    return v as O;
  }
  /** torchvision's repr: one transform per line. */
  override toString(): string {
    return `Compose(\n${this.transforms.map((t) => `    ${String(t)}`).join("\n")}\n)`;
  }
}

/**
 * An image tensor `[H, W]` or `[H, W, C]` (channels last, as a decoded image) to `[C, H, W]`;
 * uint8 values are converted to float32 in [0, 1] (divided by 255), other dtypes are kept, as
 * torchvision's `ToTensor`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { ToTensor } from "./transforms.ts";
 * const x = new ToTensor()(torch.tensor([[0, 51], [102, 255]], { dtype: "uint8" }));
 * assertEquals([x.shape, x.dtype], [[1, 2, 2], "float32"]);
 * assertEquals(torch.allclose(x, torch.tensor([[[0, 0.2], [0.4, 1]]])), true);
 * ```
 */
export class ToTensor extends Transform<Tensor, Tensor> {
  /** Converts one image. */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) {
      if (ArrayBuffer.isView(x) || Array.isArray(x)) {
        throw new TypeError(
          "ToTensor: expected an image tensor [H, W] or [H, W, C]; wrap arrays with torch.tensor(...)",
        );
      }
      throw new TypeError(`ToTensor: expected an image tensor [H, W] or [H, W, C], got ${typeof x}`);
    }
    let chw: Tensor;
    if (x.ndim === 2) chw = x.unsqueeze(0);
    else if (x.ndim === 3) chw = x.permute(2, 0, 1);
    else {
      throw new RangeError(
        `ToTensor: expected an image of shape [H, W] or [H, W, C] (channels last), got shape [${
          x.shape.join(", ")
        }]`,
      );
    }
    return x.dtype === "uint8" ? chw.float().div(255) : chw.contiguous();
  }
}

/**
 * `(x - mean[c]) / std[c]` for each channel `c` of a float image `[C, H, W]` or batch
 * `[N, C, H, W]` (any `[..., C, H, W]`); `mean` and `std` have one value per channel or a single
 * value for all.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Normalize } from "./transforms.ts";
 * const n = new Normalize([0.5, 0], [0.5, 2]);
 * assertEquals(n(torch.ones(2, 1, 1)).toArray(), [[[1]], [[0.5]]]);
 * ```
 */
export class Normalize extends Transform<Tensor, Tensor> {
  /** Per-channel means. */
  readonly mean: readonly number[];
  /** Per-channel standard deviations. */
  readonly std: readonly number[];
  readonly #mean: Tensor;
  readonly #std: Tensor;
  /** Per-channel `mean` and `std` (arrays of one value per channel, or one number for all). */
  constructor(mean: number | readonly number[], std: number | readonly number[]) {
    super();
    const m = typeof mean === "number" ? [mean] : [...mean];
    const s = typeof std === "number" ? [std] : [...std];
    if (
      m.length === 0 || s.length === 0 ||
      [...m, ...s].some((v) => typeof v !== "number" || !Number.isFinite(v))
    ) {
      throw new TypeError("Normalize: mean and std must be finite numbers (one per channel)");
    }
    if (m.length !== s.length && m.length !== 1 && s.length !== 1) {
      throw new RangeError(`Normalize: mean has ${m.length} values but std has ${s.length}`);
    }
    const s32 = Float32Array.from(s);
    if (s32.some((v) => v === 0)) {
      throw new RangeError(
        `Normalize: std evaluated to zero after conversion to float32 (std=[${
          s.join(", ")
        }]), leading to division by zero`,
      );
    }
    this.mean = m;
    this.std = s;
    this.#mean = tensor(m, { dtype: "float32" }).reshape(-1, 1, 1);
    this.#std = tensor(s, { dtype: "float32" }).reshape(-1, 1, 1);
  }
  /** Normalizes an image `[..., C, H, W]`. */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new TypeError(`Normalize: expected a tensor, got ${typeof x}`);
    if (!x.isFloatingPoint()) {
      throw new TypeError(
        `Normalize: input tensor should be a float tensor, got ${x.dtype} (apply ToTensor first)`,
      );
    }
    if (x.ndim < 3) {
      throw new RangeError(
        `Normalize: expected a tensor image of shape [..., C, H, W], got shape [${x.shape.join(", ")}]`,
      );
    }
    const c = x.shape[x.ndim - 3];
    const k = Math.max(this.mean.length, this.std.length);
    if (k !== 1 && k !== c) {
      throw new RangeError(
        `Normalize: ${k} mean/std values do not match the ${c} channels of an image of shape [${
          x.shape.join(", ")
        }]`,
      );
    }
    const mean = x.device === "cpu" ? this.#mean : this.#mean.to(x.device);
    const std = x.device === "cpu" ? this.#std : this.#std.to(x.device);
    return x.sub(mean).div(std);
  }
  /** torchvision's repr. */
  override toString(): string {
    return `Normalize(mean=[${this.mean.join(", ")}], std=[${this.std.join(", ")}])`;
  }
}

/**
 * A transform from a function (torchvision's `Lambda`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { Lambda } from "./transforms.ts";
 * const flatten = new Lambda((x: torch.Tensor) => x.flatten());
 * assertEquals(flatten(torch.zeros(1, 8, 8)).shape, [64]);
 * ```
 */
export class Lambda<I = Tensor, O = Tensor> extends Transform<I, O> {
  /** The wrapped function. */
  readonly fn: (x: I) => O;
  /** Wraps `fn`. */
  constructor(fn: (x: I) => O) {
    super();
    if (typeof fn !== "function") throw new TypeError("Lambda: expected a function");
    this.fn = fn;
  }
  /** Calls the wrapped function. */
  forward(x: I): O {
    return this.fn(x);
  }
  /** torchvision's repr. */
  override toString(): string {
    return "Lambda()";
  }
}

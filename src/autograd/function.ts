/**
 * Custom autograd functions, PyTorch's `torch.autograd.Function`: a subclass writes a static
 * `forward(ctx, ...args)` (run without recording) and a static `backward(ctx, ...gradOutputs)`
 * returning one gradient per forward argument; `MyFn.apply(x, ...)` runs it and records one graph
 * node, `<MyFnBackward>`, that keeps exactly what `ctx.saveForBackward(...)` got (version-checked
 * against later in-place writes, freed by `backward()` without `retainGraph`). A backward written
 * with tensor ops is differentiable, so `createGraph: true` gives higher-order gradients.
 * @module
 */
import { Tensor } from "../tensor.ts";
import { type Derivative, Node } from "./node.ts";
import { isGradEnabled, noGrad } from "./grad_mode.ts";
import { FREED_MESSAGE } from "./engine.ts";
import { inFrameOf, pinHandle } from "../memory.ts";
import { contiguousStrides, fmtShape, numelOf } from "../shape.ts";
import { type DType, isFloating } from "../dtype.ts";
import type { Device } from "../backends/backend.ts";
import { backendFor } from "../backends/registry.ts";
import { alias, narrow, reshape } from "../ops/movement.ts";
import { embed } from "../ops/indexing.ts";
import { toDType } from "../ops/convert.ts";
import { zeros } from "../creation.ts";

/** Key of saved tensor `i` in its node's arguments (what a version error names). */
const savedKey = (i: number) => `savedTensors[${i}]`;

/**
 * The context of one `apply`: what `forward` hands to `backward`. Tensors go through
 * {@link saveForBackward} (kept by the graph, checked for in-place writes, freed by `backward()`);
 * other values can be set as attributes (`ctx.constant = 2`), as in PyTorch (a tensor kept that way
 * lives as long as the graph: it is reclaimed with it by the garbage collector).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * class Scale extends torch.autograd.Function {
 *   static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor, k: number): torch.Tensor {
 *     ctx.k = k;
 *     return x.mul(k);
 *   }
 *   static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor): (torch.Tensor | null)[] {
 *     return [g.mul(ctx.k as number), null];
 *   }
 * }
 * const x = torch.ones([2], { requiresGrad: true });
 * Scale.apply(x, 3).sum().backward();
 * assertEquals(x.grad!.toArray(), [3, 3]);
 * ```
 */
export class FunctionCtx {
  /** Attributes set by `forward` for `backward` (`ctx.constant = 2`). */
  [attribute: string]: unknown;
  /** Per forward argument: whether `backward` must compute its gradient. */
  readonly needsInputGrad: readonly boolean[];
  #toSave: (Tensor | null)[] = [];
  #dirty = new Set<Tensor>();
  #nonDifferentiable = new Set<Tensor>();
  #materializeGrads = true;
  /** The recorded node, once `apply` made one: saved tensors are read from it. */
  #node: Node | null = null;

  /** @internal Made by `apply`. */
  constructor(needsInputGrad: readonly boolean[]) {
    this.needsInputGrad = needsInputGrad;
  }

  /**
   * Keeps tensors for `backward` (PyTorch's `save_for_backward`): inputs, outputs or
   * intermediates; `null` entries read back as `null`. Called once, from `forward`.
   */
  saveForBackward(...tensors: (Tensor | null)[]): void {
    if (this.#node !== null) throw new Error("saveForBackward: can only be called from forward");
    tensors.forEach((t, i) => {
      if (t !== null && !(t instanceof Tensor)) {
        throw new TypeError(`saveForBackward: argument ${i} is not a tensor or null (got ${typeof t})`);
      }
    });
    this.#toSave = tensors;
  }

  /**
   * The tensors given to {@link saveForBackward}, in order (PyTorch's `saved_tensors`). After a
   * `backward()` without `retainGraph` they are freed, and reading them throws.
   */
  get savedTensors(): Tensor[] {
    const node = this.#node;
    if (node === null) return [...this.#toSave] as Tensor[];
    if (node.released) throw new Error(FREED_MESSAGE);
    return this.#toSave.map((_, i) => (node.args[savedKey(i)] ?? null) as Tensor);
  }

  /** Declares inputs that `forward` modified in place and returns (PyTorch's `mark_dirty`). */
  markDirty(...tensors: Tensor[]): void {
    for (const t of tensors) this.#dirty.add(t);
  }

  /** Declares outputs that have no gradient (indices, masks): they do not require grad. */
  markNonDifferentiable(...tensors: Tensor[]): void {
    for (const t of tensors) this.#nonDifferentiable.add(t);
  }

  /**
   * Whether `backward` gets zeros (the default) or `null` for the gradients of outputs that
   * received none (PyTorch's `set_materialize_grads`).
   */
  setMaterializeGrads(value: boolean): void {
    this.#materializeGrads = value;
  }

  /** @internal */
  _dirty(): ReadonlySet<Tensor> {
    return this.#dirty;
  }
  /** @internal */
  _nonDifferentiable(): ReadonlySet<Tensor> {
    return this.#nonDifferentiable;
  }
  /** @internal */
  _materializeGrads(): boolean {
    return this.#materializeGrads;
  }
  /** @internal The saved tensors as node arguments, and their keys. */
  _savedArgs(): [Record<string, unknown>, string[]] {
    const args: Record<string, unknown> = {};
    const keys: string[] = [];
    this.#toSave.forEach((t, i) => {
      args[savedKey(i)] = t;
      if (t !== null) keys.push(savedKey(i));
    });
    return [args, keys];
  }
  /** @internal */
  _bind(node: Node): void {
    this.#node = node;
  }
}

/** What `apply` needs of a Function subclass. */
interface FunctionClass {
  readonly name: string;
  forward(ctx: FunctionCtx, ...args: unknown[]): unknown;
  backward(ctx: FunctionCtx, ...gradOutputs: (Tensor | null)[]): unknown;
}

/**
 * A differentiable operation with a hand-written gradient (PyTorch's `torch.autograd.Function`):
 * subclass it with static `forward` and `backward`, and call it as `MyFn.apply(...)` (also
 * unbound: `const P3 = MyFn.apply`). `forward` runs without recording; `backward` gets one
 * gradient per output and returns one per forward argument (null for arguments that are not
 * tensors or need none; a single tensor when there is one argument).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * // PyTorch's LegendrePolynomial3 ("Learning PyTorch with Examples").
 * class LegendrePolynomial3 extends torch.autograd.Function {
 *   static override forward(ctx: torch.autograd.FunctionCtx, input: torch.Tensor): torch.Tensor {
 *     ctx.saveForBackward(input);
 *     return input.pow(3).mul(5).sub(input.mul(3)).mul(0.5);
 *   }
 *   static override backward(ctx: torch.autograd.FunctionCtx, gradOutput: torch.Tensor): torch.Tensor {
 *     const [input] = ctx.savedTensors;
 *     return gradOutput.mul(input.pow(2).mul(5).sub(1).mul(1.5));
 *   }
 * }
 * const P3 = LegendrePolynomial3.apply;
 * const x = torch.tensor([0.5], { requiresGrad: true });
 * const y = P3(x);
 * y.backward();
 * assertEquals([String(y.gradFn), x.grad!.item()], ["<LegendrePolynomial3Backward>", 0.375]);
 * ```
 */
// Named as PyTorch names it: inside this module `Function` is this class, not the global.
export class Function {
  /** The computation, run without recording; override it. */
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): unknown {
    throw new Error(
      `${this.name}.forward: a Function subclass must override the static forward(ctx, ...args)`,
    );
  }

  /** The gradients of the forward arguments given those of the outputs; override it. */
  static backward(_ctx: FunctionCtx, ..._gradOutputs: (Tensor | null)[]): unknown {
    throw new Error(
      `${this.name}.backward: a Function subclass must override the static backward(ctx, ...gradOutputs) ` +
        "to be differentiated",
    );
  }

  /**
   * Runs the function on `args` and records it for autograd. A getter returning a bound
   * function, so `const P3 = MyFn.apply; P3(x)` works as in PyTorch. The result is what
   * `forward` returned (typed as a tensor; name the type for several outputs:
   * `MyFn.apply<[Tensor, Tensor]>(x)`).
   */
  static get apply(): <R = Tensor>(...args: unknown[]) => R {
    const cls = this as unknown as FunctionClass;
    return <R>(...args: unknown[]) => applyFunction(cls, args) as R;
  }
}

/** Metadata of an output that `backward` may need zeros for. */
interface OutputMeta {
  shape: readonly number[];
  dtype: DType;
  device: Device;
}

function applyFunction(cls: FunctionClass, args: unknown[]): unknown {
  const grad = isGradEnabled();
  const ctx = new FunctionCtx(args.map((a) => grad && a instanceof Tensor && a.requiresGrad));
  return inFrameOf(() => {
    const raw = noGrad(() => cls.forward(ctx, ...args));
    keepAttributes(ctx);
    if (raw instanceof Promise) {
      throw new TypeError(`${cls.name}.forward returned a Promise: forward must be synchronous`);
    }
    const tuple = Array.isArray(raw);
    const outs: unknown[] = tuple ? [...raw as unknown[]] : [raw];
    const dirty = ctx._dirty(), nonDiff = ctx._nonDifferentiable();
    const inputs = new Set(args.filter((a): a is Tensor => a instanceof Tensor));
    for (const t of dirty) {
      if (!inputs.has(t)) {
        throw new Error(`${cls.name}.apply: markDirty was given a tensor that is not an input`);
      }
      if (!outs.includes(t)) {
        throw new Error(
          `${cls.name}.apply: some elements marked as dirty during the forward method were not returned as output`,
        );
      }
    }
    const differentiable: number[] = [];
    outs.forEach((o, i) => {
      if (!(o instanceof Tensor)) return;
      if (!dirty.has(o) && (inputs.has(o) || o.requiresGrad)) {
        // An input returned as is (or a tensor already in a graph): its own handle, as PyTorch's view.
        const a = noGrad(() => alias(o));
        outs[i] = a;
        if (nonDiff.has(o)) ctx.markNonDifferentiable(a);
      }
      const out = outs[i] as Tensor;
      if (isFloating(out.dtype) && !nonDiff.has(out) && !nonDiff.has(o)) differentiable.push(i);
    });
    if (ctx.needsInputGrad.some((x) => x) && differentiable.length > 0) {
      for (const t of dirty) {
        if (t.requiresGrad && t.isLeaf) {
          throw new Error(
            `${cls.name}.apply: a leaf Variable that requires grad has been used in an in-place operation ` +
              "(markDirty of an input that requires grad)",
          );
        }
      }
      record(cls, ctx, args, outs, differentiable);
    }
    return tuple ? outs : outs[0];
  });
}

/**
 * Tensors the forward stored as ctx attributes (`ctx.scale = t`, directly or in an array) live as
 * long as ctx does, as in PyTorch: held outside every frame, they are freed with the graph by the
 * garbage collector (saveForBackward frees its tensors at backward, and checks them).
 */
function keepAttributes(ctx: FunctionCtx): void {
  for (const v of Object.values(ctx)) {
    if (v instanceof Tensor) pinHandle(v);
    else if (Array.isArray(v)) { for (const t of v) if (t instanceof Tensor) pinHandle(t); }
  }
}

/** Records the node(s) of one `apply` and attaches them to the differentiable outputs. */
function record(
  cls: FunctionClass,
  ctx: FunctionCtx,
  args: unknown[],
  outs: unknown[],
  diff: number[],
): void {
  const name = `${cls.name}Backward`;
  const positions: number[] = [];
  const nodeInputs: Tensor[] = [];
  args.forEach((a, i) => {
    if (a instanceof Tensor) {
      positions.push(i);
      nodeInputs.push(a);
    }
  });
  const metas: (OutputMeta | null)[] = outs.map((o) =>
    o instanceof Tensor ? { shape: o.shape, dtype: o.dtype, device: o.device } : null
  );
  // With several differentiable outputs, their gradients reach the node packed in one float32
  // vector (each output's node writes its segment), which the node cuts back into pieces.
  const packed = diff.length > 1;
  const starts: number[] = [];
  let total = 0;
  for (const i of diff) {
    starts.push(total);
    total += numelOf(metas[i]!.shape);
  }
  const delivered = new Set<number>();
  const [savedArgs, savedKeys] = ctx._savedArgs();
  const derivative: Derivative = {
    saves: "none",
    savedArgs: savedKeys,
    name,
    backward: (g, node) => {
      const grads = metas.map((m, i): Tensor | null => {
        if (m === null) return null;
        const k = diff.indexOf(i);
        if (!packed && k === 0) return g;
        if (k >= 0 && (delivered.has(i) || ctx._materializeGrads())) {
          const piece = reshape(narrow(g, 0, starts[k], numelOf(m.shape)), m.shape);
          return piece.dtype === m.dtype ? piece : toDType(piece, m.dtype);
        }
        return ctx._materializeGrads() ? zeros([...m.shape], { dtype: m.dtype, device: m.device }) : null;
      });
      delivered.clear();
      return checkGradients(name, node, args, ctx, cls.backward(ctx, ...grads), positions);
    },
  };
  const outputOf = (i: number) => outs[i] as Tensor;
  if (!packed) {
    const out = outputOf(diff[0]);
    const node = new Node(cls.name, derivative, nodeInputs, savedArgs, out);
    ctx._bind(node);
    out.gradFn = node;
    out._requiresGrad = true;
    return;
  }
  // A shape-only placeholder stands for the packed outputs (never read: only its node matters).
  const device = outputOf(diff[0]).device;
  const placeholder = new Tensor(backendFor(device).full("float32", 0, 0), [total]);
  const node = new Node(cls.name, derivative, nodeInputs, savedArgs, placeholder);
  ctx._bind(node);
  placeholder.gradFn = node;
  placeholder._requiresGrad = true;
  diff.forEach((i, k) => {
    const out = outputOf(i);
    const segment: Derivative = {
      saves: "none",
      name,
      backward: (g) => {
        delivered.add(i);
        const g32 = g.dtype === "float32" ? g : toDType(g, "float32");
        return [
          embed(g32, [total], { shape: g.shape, strides: contiguousStrides(g.shape), offset: starts[k] }),
        ];
      },
    };
    out.gradFn = new Node(cls.name, segment, [placeholder], {}, out);
    out._requiresGrad = true;
  });
}

/** Whether a tensor of `shape` broadcasts to `target` (a gradient may be summed back to it). */
function expandableTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((s, i) => s === target[i + lead] || s === 1);
}

/** `backward`'s result as the node's input gradients, with PyTorch's checks. */
function checkGradients(
  name: string,
  node: Node,
  args: unknown[],
  ctx: FunctionCtx,
  raw: unknown,
  positions: number[],
): (Tensor | null)[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length < args.length) {
    throw new Error(
      `function ${name} returned an incorrect number of gradients (expected ${args.length}, got ${list.length})`,
    );
  }
  for (let i = args.length; i < list.length; i++) {
    if (list[i] !== null && list[i] !== undefined) {
      throw new Error(
        `function ${name} returned an incorrect number of gradients (expected ${args.length}, got ${list.length})`,
      );
    }
  }
  list.forEach((gi, i) => {
    if (i >= args.length || gi === null || gi === undefined) return;
    const a = args[i];
    if (!(a instanceof Tensor)) {
      throw new Error(
        `function ${name} returned a gradient different than null at position ${i}, but the corresponding ` +
          "forward input was not a tensor",
      );
    }
    if (!(gi instanceof Tensor)) {
      throw new TypeError(
        `function ${name} returned a ${typeof gi} as the gradient at position ${i}, not a tensor`,
      );
    }
    if (!expandableTo(a.shape, gi.shape)) {
      throw new RangeError(
        `function ${name} returned an invalid gradient at index ${i} - got ${
          fmtShape(gi.shape)
        } but expected ` +
          `shape compatible with ${fmtShape(a.shape)}`,
      );
    }
    if (gi.device !== a.device) {
      throw new Error(
        `function ${name} returned an invalid gradient at index ${i} - expected device "${a.device}" but got ` +
          `"${gi.device}"`,
      );
    }
  });
  return positions.map((p, k) => {
    const gi = list[p];
    if (!ctx.needsInputGrad[p] || node.next[k] === null || gi === null || gi === undefined) return null;
    return gi as Tensor;
  });
}

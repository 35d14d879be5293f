/**
 * Part of `nn.utils`: `weightNorm` / `removeWeightNorm` and `spectralNorm` /
 * `removeSpectralNorm`, as PyTorch 1.13's `torch.nn.utils.weight_norm` and `spectral_norm`: the
 * parameter is replaced by its pieces (`weight_g` and `weight_v`; `weight_orig` with the buffers
 * `weight_u` and `weight_v`) under PyTorch's state-dict names, and a forward pre-hook recomputes
 * `module.weight` from them at each call.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { empty } from "../creation.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { inFrameOf } from "../memory.ts";
import type { RemovableHandle } from "../autograd/hooks.ts";
import { Module, Parameter } from "./module.ts";
import { normalize } from "./normalization.ts";
import { normal_ } from "../ops/random_fill.ts";

type Fields = Record<string, unknown>;

/** The norm over every dim but `dim` (all dims for null), kept as `v`'s rank (PyTorch's `norm_except_dim`). */
function normExceptDim(v: Tensor, dim: number | null): Tensor {
  if (dim === null) return v.norm();
  const d = dim < 0 ? dim + v.ndim : dim;
  const dims = [...Array(v.ndim).keys()].filter((i) => i !== d);
  return dims.length === 0 ? v.abs() : v.norm(2, dims, { keepdim: true });
}

/** What `weightNorm` registered on a module, by parameter name. */
const weightNorms = new WeakMap<Module, Map<string, { dim: number | null; hook: RemovableHandle }>>();

function parameterOf(op: string, module: Module, name: string): Parameter {
  if (!(module instanceof Module)) throw new TypeError(`${op}: expected a Module, got ${typeof module}`);
  const p = (module as unknown as Fields)[name];
  if (!(p instanceof Parameter)) {
    throw new Error(`${op}: ${module._getName()} has no parameter "${name}"`);
  }
  return p;
}

/** Options of {@link weightNorm}. */
export interface WeightNormOptions {
  /** The parameter to reparameterize (default "weight"). */
  name?: string;
  /** The dim kept by the norm (default 0, one norm per output; null: one norm of everything). */
  dim?: number | null;
}

/**
 * Weight normalization (PyTorch 1.13's `nn.utils.weight_norm`): `weight = g · v / ‖v‖`, the norm
 * over every dim but `dim`. The parameter `name` is replaced by `name_g` (the norms) and `name_v`
 * (the direction, initially the weight), and a forward pre-hook recomputes `module[name]` from
 * them before each call. Returns the module.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const m = nn.utils.weightNorm(new nn.Linear(20, 40));
 * assertEquals(Object.keys(m.stateDict()), ["bias", "weight_g", "weight_v"]);
 * assertEquals([m.getParameter("weight_g").shape, m(torch.randn(2, 20)).shape], [[40, 1], [2, 40]]);
 * ```
 */
export function weightNorm<M extends Module>(module: M, opts: WeightNormOptions = {}): M {
  const name = opts.name ?? "weight";
  const dim = opts.dim === undefined ? 0 : opts.dim;
  const registered = weightNorms.get(module) ?? new Map();
  if (registered.has(name)) {
    throw new Error(`weightNorm: cannot register two weight_norm hooks on the same parameter ${name}`);
  }
  const weight = parameterOf("weightNorm", module, name);
  if (dim !== null && (!Number.isInteger(dim) || dim < -weight.ndim || dim >= weight.ndim)) {
    throw new RangeError(`weightNorm: dim ${dim} is out of range for a ${weight.ndim}-d parameter`);
  }
  const fields = module as unknown as Fields;
  const g = noGrad(() => new Parameter(normExceptDim(weight.detach(), dim)));
  const v = new Parameter(weight.detach());
  delete fields[name];
  fields[`${name}_g`] = g;
  fields[`${name}_v`] = v;
  const compute = () => {
    const gp = fields[`${name}_g`] as Tensor, vp = fields[`${name}_v`] as Tensor;
    return vp.mul(gp.div(normExceptDim(vp, dim)));
  };
  fields[name] = inFrameOf(compute);
  const hook = module.registerForwardPreHook(() => {
    fields[name] = compute();
  });
  registered.set(name, { dim, hook });
  weightNorms.set(module, registered);
  return module;
}

/**
 * Undoes {@link weightNorm}: `module[name]` becomes a parameter again, holding the current
 * `g · v / ‖v‖`. Returns the module.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { nn } from "../../mod.ts";
 * const m = nn.utils.removeWeightNorm(nn.utils.weightNorm(new nn.Linear(2, 3)));
 * assertEquals(Object.keys(m.stateDict()), ["bias", "weight"]);
 * ```
 */
export function removeWeightNorm<M extends Module>(module: M, name = "weight"): M {
  const entry = weightNorms.get(module)?.get(name);
  if (entry === undefined) {
    throw new Error(`removeWeightNorm: weight_norm of '${name}' not found in ${module._getName()}`);
  }
  const fields = module as unknown as Fields;
  const gp = fields[`${name}_g`] as Tensor, vp = fields[`${name}_v`] as Tensor;
  const weight = noGrad(() => vp.mul(gp.div(normExceptDim(vp, entry.dim))));
  entry.hook.remove();
  weightNorms.get(module)!.delete(name);
  delete fields[`${name}_g`];
  delete fields[`${name}_v`];
  delete fields[name];
  fields[name] = new Parameter(weight);
  return module;
}

/** Options of {@link spectralNorm}. */
export interface SpectralNormOptions {
  /** The parameter to normalize (default "weight"). */
  name?: string;
  /** Power iterations per training call (default 1). */
  nPowerIterations?: number;
  /** The normalizations' smallest denominator (default 1e-12). */
  eps?: number;
  /** The dim of the output features (default 0; 1 for the ConvTranspose modules). */
  dim?: number;
}

/** What `spectralNorm` registered: the hook and the computation of the weight. */
interface SpectralEntry {
  hook: RemovableHandle;
  compute: (powerIterate: boolean) => Tensor;
}
const spectralNorms = new WeakMap<Module, Map<string, SpectralEntry>>();

/**
 * Spectral normalization (PyTorch 1.13's `nn.utils.spectral_norm`): `weight = weight_orig / σ`,
 * with σ the largest singular value of `weight_orig` (viewed as a matrix of `dim`'s size rows)
 * estimated by power iteration. `u` and `v` start as normalized N(0, 1) draws on the seeded
 * generator (as PyTorch: the same values for the same seed) and are updated in place by
 * `nPowerIterations` steps at each call in training mode; in evaluation mode they are used as
 * they are. State-dict names are PyTorch's: `weight_orig`, `weight_u`, `weight_v`. Returns the
 * module.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { nn } from "../../mod.ts";
 * const m = nn.utils.spectralNorm(new nn.Linear(20, 40));
 * assertEquals(Object.keys(m.stateDict()), ["bias", "weight_orig", "weight_u", "weight_v"]);
 * assertEquals(m(torch.randn(2, 20)).shape, [2, 40]);
 * ```
 */
export function spectralNorm<M extends Module>(module: M, opts: SpectralNormOptions = {}): M {
  const name = opts.name ?? "weight";
  const nPowerIterations = opts.nPowerIterations ?? 1;
  const eps = opts.eps ?? 1e-12;
  const registered = spectralNorms.get(module) ?? new Map();
  if (registered.has(name)) {
    throw new Error(`spectralNorm: cannot register two spectral_norm hooks on the same parameter ${name}`);
  }
  const weight = parameterOf("spectralNorm", module, name);
  if (!Number.isInteger(nPowerIterations) || nPowerIterations < 0) {
    throw new RangeError(
      `spectralNorm: expected nPowerIterations to be a non-negative integer, got nPowerIterations=${nPowerIterations}`,
    );
  }
  const dim = opts.dim ?? (/^ConvTranspose[123]d$/.test(module._getName()) ? 1 : 0);
  if (weight.ndim === 0 || !Number.isInteger(dim) || dim < 0 || dim >= weight.ndim) {
    throw new RangeError(`spectralNorm: dim ${dim} is out of range for a ${weight.ndim}-d parameter`);
  }
  const toMatrix = (w: Tensor) => {
    const order = [dim, ...[...Array(w.ndim).keys()].filter((d) => d !== dim)];
    const m = dim === 0 ? w : w.permute(order);
    return m.reshape([m.shape[0], -1]);
  };
  const [h, wd] = toMatrix(weight).shape;
  const [u, v] = noGrad(() => {
    const draw = (n: number) =>
      normalize(normal_(empty([n], { dtype: weight.dtype, device: weight.device }), 0, 1), { dim: 0, eps });
    const u0 = draw(h);
    return [u0, draw(wd)];
  });
  const fields = module as unknown as Fields;
  delete fields[name];
  fields[`${name}_orig`] = weight;
  fields[name] = weight.detach();
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  const compute = (powerIterate: boolean): Tensor => {
    const wOrig = fields[`${name}_orig`] as Tensor;
    const uBuf = fields[`${name}_u`] as Tensor, vBuf = fields[`${name}_v`] as Tensor;
    const mat = toMatrix(wOrig);
    if (powerIterate && nPowerIterations > 0) {
      noGrad(() => {
        for (let i = 0; i < nPowerIterations; i++) {
          vBuf.copy_(normalize(mat.t().matmul(uBuf), { dim: 0, eps }));
          uBuf.copy_(normalize(mat.matmul(vBuf), { dim: 0, eps }));
        }
      });
    }
    // u and v are constants of the graph: clones, so later in-place updates leave this call's
    // backward alone.
    const sigma = uBuf.clone().dot(mat.matmul(vBuf.clone()));
    return wOrig.div(sigma);
  };
  const hook = module.registerForwardPreHook((m) => {
    fields[name] = compute(m.training);
  });
  registered.set(name, { hook, compute });
  spectralNorms.set(module, registered);
  return module;
}

/**
 * Undoes {@link spectralNorm}: `module[name]` becomes a parameter again holding
 * `weight_orig / σ` with the current `u` and `v`; the buffers are removed. Returns the module.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { nn } from "../../mod.ts";
 * const m = nn.utils.removeSpectralNorm(nn.utils.spectralNorm(new nn.Linear(2, 3)));
 * assertEquals(Object.keys(m.stateDict()), ["bias", "weight"]);
 * ```
 */
export function removeSpectralNorm<M extends Module>(module: M, name = "weight"): M {
  const entry = spectralNorms.get(module)?.get(name);
  if (entry === undefined) {
    throw new Error(`removeSpectralNorm: spectral_norm of '${name}' not found in ${module._getName()}`);
  }
  const weight = noGrad(() => entry.compute(false));
  entry.hook.remove();
  spectralNorms.get(module)!.delete(name);
  const fields = module as unknown as Fields;
  for (const buffer of [`${name}_u`, `${name}_v`]) {
    module._buffers.delete(buffer);
    module._nonPersistent.delete(buffer);
    delete fields[buffer];
  }
  delete fields[`${name}_orig`];
  delete fields[name];
  fields[name] = new Parameter(weight.detach());
  return module;
}

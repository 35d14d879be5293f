/**
 * `GradScaler`: dynamic loss scaling for mixed precision training, as PyTorch's
 * `torch.cuda.amp.GradScaler`. Float16 gradients underflow to zero below about 6e-8; the scaler
 * multiplies the loss by a large factor before `backward()` so that they do not, divides the
 * gradients by it before the optimizer step, skips the steps whose gradients overflowed (inf or
 * NaN), and adapts the factor: halved after an overflow, doubled after `growthInterval` clean
 * steps in a row. The scale is a float32 value, updated with PyTorch's arithmetic.
 *
 * Deciding whether to skip a step means reading one flag computed from the gradients. On the CPU
 * `step(optimizer)` reads it at once; on the GPU reads are asynchronous, so the step is
 * `await scaler.stepAsync(optimizer)` (one small read per step).
 * @module
 */
import type { Device } from "../backends/backend.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { full } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import type { Optimizer } from "../optim/optimizer.ts";
import { keep } from "../scope.ts";
import { Tensor } from "../tensor.ts";

/** Options of {@link GradScaler} (PyTorch's defaults). */
export interface GradScalerOptions {
  /** The first scale; default 2 ** 16. */
  initScale?: number;
  /** Factor applied after `growthInterval` steps without inf/NaN gradients; default 2. */
  growthFactor?: number;
  /** Factor applied after a step with inf/NaN gradients; default 0.5. */
  backoffFactor?: number;
  /** Clean steps in a row before the scale grows; default 2000. */
  growthInterval?: number;
  /** false makes every method a pass-through (scale() returns its input, step() steps); default true. */
  enabled?: boolean;
}

/** A scaler's state (`stateDict()` / `loadStateDict()`), PyTorch's keys in camelCase. */
export interface GradScalerState {
  /** The current loss scale. */
  scale: number;
  /** What the scale is multiplied by after `growthInterval` clean steps. */
  growthFactor: number;
  /** What the scale is multiplied by after a step with inf/NaN gradients. */
  backoffFactor: number;
  /** Clean steps in a row before the scale grows. */
  growthInterval: number;
  /** Clean steps in a row so far. */
  growthTracker: number;
}

/** Where one optimizer is between two `update()` calls. */
interface OptimizerStage {
  /** Per device, 1 where a gradient was inf or NaN (set by unscale_, still on the device). */
  flags: Map<Device, Tensor>;
  /** The flags read back by step (null until then). */
  foundInf: number | null;
  unscaled: boolean;
  stepped: boolean;
}

function checkPositive(name: string, v: number, strictlyAboveOne = false): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= (strictlyAboveOne ? 1 : 0)) {
    throw new RangeError(
      `GradScaler: ${name} must be a finite number ${strictlyAboveOne ? "above 1" : "above 0"}, got ${v}`,
    );
  }
}

/**
 * Loss scaling for float16 training (PyTorch's `GradScaler`): `scaler.scale(loss).backward()`,
 * `scaler.step(optimizer)` (`await scaler.stepAsync(optimizer)` on the GPU), `scaler.update()`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const model = new torch.nn.Linear(4, 2);
 * const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
 * const scaler = new torch.amp.GradScaler({ initScale: 1024 });
 * const x = torch.randn(8, 4), y = torch.randint(0, 2, [8]);
 * const loss = torch.autocast("cpu", () => torch.nn.functional.crossEntropy(model.forward(x), y));
 * scaler.scale(loss).backward(); // gradients of 1024 * loss
 * scaler.step(opt); // unscales them, steps unless one is inf/NaN
 * scaler.update();
 * assertEquals(scaler.getScale(), 1024); // no overflow: grows after 2000 clean steps
 * ```
 */
export class GradScaler {
  #scale: number;
  #growthFactor: number;
  #backoffFactor: number;
  #growthInterval: number;
  #growthTracker = 0;
  #enabled: boolean;
  #stages = new Map<Optimizer, OptimizerStage>();

  /** A scaler with PyTorch's defaults (see {@link GradScalerOptions}). */
  constructor(options: GradScalerOptions = {}) {
    const o = {
      initScale: 2 ** 16,
      growthFactor: 2,
      backoffFactor: 0.5,
      growthInterval: 2000,
      enabled: true,
      ...options,
    };
    checkPositive("initScale", o.initScale);
    checkPositive("growthFactor", o.growthFactor, true);
    if (typeof o.backoffFactor !== "number" || !(o.backoffFactor > 0 && o.backoffFactor < 1)) {
      throw new RangeError(
        `GradScaler: backoffFactor must be between 0 and 1 (exclusive), got ${o.backoffFactor}`,
      );
    }
    if (!Number.isSafeInteger(o.growthInterval) || o.growthInterval < 1) {
      throw new RangeError(`GradScaler: growthInterval must be a positive integer, got ${o.growthInterval}`);
    }
    this.#scale = Math.fround(o.initScale);
    this.#growthFactor = o.growthFactor;
    this.#backoffFactor = o.backoffFactor;
    this.#growthInterval = o.growthInterval;
    this.#enabled = o.enabled !== false;
  }

  /** Whether the scaler scales (false makes it a pass-through). */
  isEnabled(): boolean {
    return this.#enabled;
  }

  /** The current scale (1 when disabled). */
  getScale(): number {
    return this.#enabled ? this.#scale : 1;
  }

  /** The factor the scale grows by. */
  getGrowthFactor(): number {
    return this.#growthFactor;
  }

  /** The factor the scale shrinks by after an overflow. */
  getBackoffFactor(): number {
    return this.#backoffFactor;
  }

  /** The clean steps in a row before the scale grows. */
  getGrowthInterval(): number {
    return this.#growthInterval;
  }

  /**
   * `outputs` (a loss, or a list of them) multiplied by the scale, as PyTorch does: by a float32
   * tensor of shape [1] on the output's device, so a float16 loss is scaled in float32.
   */
  scale(outputs: Tensor): Tensor;
  /** Each output multiplied by the scale. */
  scale(outputs: readonly Tensor[]): Tensor[];
  scale(outputs: Tensor | readonly Tensor[]): Tensor | Tensor[] {
    if (Array.isArray(outputs)) return outputs.map((t) => this.scale(t as Tensor));
    const t = outputs as Tensor;
    if (!(t instanceof Tensor)) {
      throw new TypeError(
        `GradScaler.scale: expected a Tensor or an array of them, got ${t === null ? "null" : typeof t}`,
      );
    }
    if (!this.#enabled) return t;
    return inFrameOf(() => t.mul(full([1], this.#scale, { dtype: "float32", device: t.device })));
  }

  /**
   * Divides the gradients of `optimizer`'s parameters by the scale in place and notes, on their
   * device, whether any was inf or NaN (PyTorch's `unscale_`, e.g. before gradient clipping).
   * At most once per optimizer between two `update()` calls, and before `step`.
   */
  unscale_(optimizer: Optimizer): void {
    if (!this.#enabled) return;
    const stage = this.#stage(optimizer);
    if (stage.unscaled) {
      throw new Error(
        "GradScaler.unscale_: unscale_() has already been called on this optimizer since the last update()",
      );
    }
    if (stage.stepped) throw new Error("GradScaler.unscale_: unscale_() is being called after step()");
    stage.unscaled = true;
    const inv = Math.fround(1 / this.#scale);
    inFrameOf(() =>
      noGrad(() => {
        for (const group of optimizer.paramGroups) {
          for (const p of group.params) {
            const g = p._grad;
            if (g === null) continue;
            if (g.dtype === "float16") {
              throw new TypeError(
                "GradScaler.unscale_: attempting to unscale float16 gradients, as PyTorch refuses to: keep the " +
                  "parameters float32 (autocast runs the float16 ops) so their gradients are float32",
              );
            }
            if (g.dtype !== "float32" && g.dtype !== "float64") {
              throw new TypeError(`GradScaler.unscale_: gradients must be floating point, got ${g.dtype}`);
            }
            const bad = g.isfinite().logicalNot().any().to("float32");
            const prev = stage.flags.get(g.device);
            stage.flags.set(g.device, prev === undefined ? bad : prev.maximum(bad));
            g.mul_(inv);
          }
        }
        for (const [device, flag] of stage.flags) stage.flags.set(device, keep(flag));
      })
    );
  }

  /**
   * Unscales the gradients (unless `unscale_` did) and runs `optimizer.step()` unless one was inf
   * or NaN; returns what the step returned (undefined when skipped). CPU parameters only: on the
   * GPU use {@link stepAsync}.
   */
  step(optimizer: Optimizer): ReturnType<Optimizer["step"]> {
    if (!this.#enabled) return optimizer.step();
    const stage = this.#prepareStep(optimizer);
    let found = 0;
    for (const [device, flag] of stage.flags) {
      if (device !== "cpu") {
        throw new Error(
          `GradScaler.step: the gradients are on "${device}", where reading the overflow check is asynchronous; ` +
            "use `await scaler.stepAsync(optimizer)`",
        );
      }
      found += flag.item();
    }
    return this.#finishStep(optimizer, stage, found);
  }

  /** {@link step} on every device: the overflow check is read asynchronously. */
  async stepAsync(optimizer: Optimizer): Promise<ReturnType<Optimizer["step"]>> {
    if (!this.#enabled) return optimizer.step();
    const stage = this.#prepareStep(optimizer);
    let found = 0;
    for (const flag of stage.flags.values()) found += await flag.itemAsync();
    return this.#finishStep(optimizer, stage, found);
  }

  /**
   * Updates the scale from the steps since the last update: times `backoffFactor` when any
   * optimizer found inf/NaN gradients (and the clean-step count restarts), else the count grows
   * and the scale is multiplied by `growthFactor` when it reaches `growthInterval`. `newScale`
   * sets the scale instead.
   */
  update(newScale?: number): void {
    if (!this.#enabled) return;
    if (newScale !== undefined) {
      checkPositive("update: newScale", newScale);
      this.#scale = Math.fround(newScale);
    } else {
      const found = [...this.#stages.values()].filter((s) => s.foundInf !== null).map((s) => s.foundInf!);
      if (found.length === 0) {
        throw new Error(
          "GradScaler.update: no inf checks were recorded prior to update (call step(optimizer) first)",
        );
      }
      if (found.some((f) => f > 0)) {
        this.#scale = Math.fround(this.#scale * this.#backoffFactor);
        this.#growthTracker = 0;
      } else if (++this.#growthTracker === this.#growthInterval) {
        const grown = Math.fround(this.#scale * this.#growthFactor);
        if (Number.isFinite(grown)) this.#scale = grown;
        this.#growthTracker = 0;
      }
    }
    this.#clearStages();
  }

  /** The scale and its settings, to save with a checkpoint. */
  stateDict(): GradScalerState {
    return {
      scale: this.getScale(),
      growthFactor: this.#growthFactor,
      backoffFactor: this.#backoffFactor,
      growthInterval: this.#growthInterval,
      growthTracker: this.#growthTracker,
    };
  }

  /** Restores what {@link stateDict} returned. */
  loadStateDict(state: GradScalerState): void {
    if (state === null || typeof state !== "object") {
      throw new TypeError(
        `GradScaler.loadStateDict: expected an object, got ${state === null ? "null" : typeof state}`,
      );
    }
    const next = new GradScaler({
      initScale: state.scale,
      growthFactor: state.growthFactor,
      backoffFactor: state.backoffFactor,
      growthInterval: state.growthInterval,
    });
    if (!Number.isSafeInteger(state.growthTracker) || state.growthTracker < 0) {
      throw new RangeError(
        `GradScaler.loadStateDict: growthTracker must be a non-negative integer, got ${state.growthTracker}`,
      );
    }
    this.#scale = next.#scale;
    this.#growthFactor = next.#growthFactor;
    this.#backoffFactor = next.#backoffFactor;
    this.#growthInterval = next.#growthInterval;
    this.#growthTracker = state.growthTracker;
  }

  #stage(optimizer: Optimizer): OptimizerStage {
    let stage = this.#stages.get(optimizer);
    if (stage === undefined) {
      if (optimizer === null || typeof optimizer !== "object" || !Array.isArray(optimizer.paramGroups)) {
        throw new TypeError(
          `GradScaler: expected an optimizer, got ${optimizer === null ? "null" : typeof optimizer}`,
        );
      }
      stage = { flags: new Map(), foundInf: null, unscaled: false, stepped: false };
      this.#stages.set(optimizer, stage);
    }
    return stage;
  }

  #prepareStep(optimizer: Optimizer): OptimizerStage {
    const stage = this.#stage(optimizer);
    if (stage.stepped) {
      throw new Error("GradScaler.step: step() has already been called since the last update()");
    }
    if (!stage.unscaled) this.unscale_(optimizer);
    return stage;
  }

  #finishStep(optimizer: Optimizer, stage: OptimizerStage, found: number): ReturnType<Optimizer["step"]> {
    stage.foundInf = found;
    stage.stepped = true;
    return found > 0 ? undefined : optimizer.step();
  }

  #clearStages(): void {
    for (const stage of this.#stages.values()) for (const flag of stage.flags.values()) flag.dispose();
    this.#stages.clear();
  }
}

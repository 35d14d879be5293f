/**
 * The short-time Fourier transform and its inverse, PyTorch 1.13's `torch.stft` / `torch.istft`
 * (and `x.stft(...)`, `x.istft(...)`): frames of `nFft` samples every `hopLength`, times the window
 * (zero padded to `nFft`, centred), Fourier transformed; the inverse overlap-adds the windowed
 * inverse transforms and divides by the window's squared overlap-add. Built from differentiable
 * ops (pad, unfold, the FFT, fold), so both run on every device with autograd.
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { ones, zeros } from "../creation.ts";
import { inFrameOf } from "../memory.ts";
import { asOp } from "../ops/naming.ts";
import { div, mul } from "../ops/elementwise.ts";
import { narrow, permute, transpose } from "../ops/movement.ts";
import { cat } from "../ops/indexing.ts";
import { pad } from "../ops/pad.ts";
import { unfold } from "../ops/unfold_view.ts";
import { fold } from "../ops/fold.ts";

import { select } from "../ops/split_stack.ts";
import { isComplexOperand, viewAsReal } from "../complex/core.ts";
import { c2c, c2r, checkTensor, fromPairs, r2c, realFloat32, toPairs } from "./core.ts";

/** Keyword arguments of {@link stft}. */
export interface StftOptions {
  /** Samples between frames (default ⌊nFft / 4⌋). */
  hopLength?: number | null;
  /** The window's length (default nFft); it is zero padded on both sides to nFft. */
  winLength?: number | null;
  /** A real 1-d window of winLength values (default all ones: rectangular). */
  window?: Tensor | null;
  /** Pad the signal by ⌊nFft / 2⌋ on both sides so frame t is centred at t hopLength (default true). */
  center?: boolean;
  /** `"reflect"` (default) or `"constant"` (zeros), how `center` pads. */
  padMode?: "reflect" | "constant" | "replicate" | "circular";
  /** Scale the frames' transforms by 1/√nFft (default false). */
  normalized?: boolean;
  /** Only the nFft / 2 + 1 non-negative frequencies (default true for a real signal, the only choice for complex). */
  onesided?: boolean | null;
  /**
   * complex64 `[..., freq, frames]` (true), or, PyTorch 1.13's deprecated default for real
   * signals, its `viewAsReal` `[..., freq, frames, 2]` (false).
   */
  returnComplex?: boolean | null;
}

/** Keyword arguments of {@link istft}. */
export interface IstftOptions {
  /** As {@link StftOptions.hopLength}. */
  hopLength?: number | null;
  /** As {@link StftOptions.winLength}. */
  winLength?: number | null;
  /** As {@link StftOptions.window}. */
  window?: Tensor | null;
  /** Whether the spectrogram was made with `center` (default true): the padding is cut off. */
  center?: boolean;
  /** Whether it was made with `normalized` (default false). */
  normalized?: boolean;
  /** Whether it holds only the non-negative frequencies (default: when its size is not nFft). */
  onesided?: boolean | null;
  /** The signal's length: the output is cut or zero padded to it (default: as the frames cover). */
  length?: number | null;
  /** Return the complex signal (a two-sided spectrogram's inverse), default false (real). */
  returnComplex?: boolean;
}

function checkInt(op: string, name: string, v: number): void {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(`${op}: ${name} must be an integer, got ${v}`);
  }
}

/** The window (default ones) checked and zero padded, centred, to nFft; float32 on `device`. */
function paddedWindow(
  op: string,
  window: Tensor | null | undefined,
  winLength: number,
  nFft: number,
  x: Tensor,
): Tensor {
  let w: Tensor;
  if (window === undefined || window === null) w = ones([winLength], { device: x.device });
  else {
    checkTensor(op, window);
    if (window.ndim !== 1 || window.shape[0] !== winLength) {
      throw new RangeError(
        `${op}: expected a 1D window tensor of size equal to win_length=${winLength}, but got window with size [${
          window.shape.join(", ")
        }]`,
      );
    }
    if (isComplexOperand(window)) throw new TypeError(`${op}: complex windows are not supported`);
    if (window.device !== x.device) {
      throw new TypeError(`${op}: the window is on ${window.device}, the input on ${x.device}`);
    }
    w = realFloat32(op, window);
  }
  if (winLength === nFft) return w;
  const left = Math.floor((nFft - winLength) / 2);
  return cat([
    zeros([left], { device: x.device }),
    w,
    zeros([nFft - winLength - left], { device: x.device }),
  ]);
}

/**
 * The short-time Fourier transform (`torch.stft`) of a 1-d signal `[L]` or a batch `[B, L]`:
 * `[(B,) nFft / 2 + 1, frames]` complex64 (returnComplex true), frames = 1 + ⌊(L' - nFft) / hop⌋
 * with L' = L + 2 ⌊nFft / 2⌋ when centred.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.sin(torch.arange(64).mul(2 * Math.PI / 8)); // 8 samples a period
 * const S = torch.stft(x, 16, { hopLength: 4, window: torch.hannWindow(16), returnComplex: true });
 * assertEquals([S.shape, S.dtype], [[9, 17], "complex64"]);
 * const mag = torch.abs(S).index(":", 8).toArray() as number[];
 * assertEquals(mag.indexOf(Math.max(...mag)), 2); // bin 16 / 8
 * ```
 */
export function stft(input: Tensor, nFft: number, opts: StftOptions = {}): Tensor {
  const op = "stft";
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensor(op, input);
      checkInt(op, "n_fft", nFft);
      const complexIn = isComplexOperand(input);
      if (input.ndim !== 1 && input.ndim !== 2) {
        throw new RangeError(`${op}: expected a 1D or 2D tensor, got [${input.shape.join(", ")}]`);
      }
      let returnComplex = opts.returnComplex ?? null;
      if (returnComplex === null) {
        if (complexIn) {
          throw new TypeError(
            `${op}: stft requires the return_complex parameter be given for real inputs, and will further require that return_complex=True in a future PyTorch release.`,
          );
        }
        returnComplex = false;
      }
      const hop = opts.hopLength ?? Math.floor(nFft / 4), winLength = opts.winLength ?? nFft;
      checkInt(op, "hop_length", hop);
      checkInt(op, "win_length", winLength);
      const center = opts.center ?? true, padMode = opts.padMode ?? "reflect";
      const onesided = opts.onesided ?? !complexIn;
      if (onesided && complexIn) {
        throw new TypeError(`${op}: Cannot have onesided output if window or input is complex`);
      }
      // (re, im) pairs [B, L, 2], centred by padding the time axis.
      // The signal [B, L] (real) or its pairs [B, L, 2], centred by padding the time axis.
      const batched = input.ndim === 1 ? input.reshape(1, -1) : input;
      let sig = complexIn ? transpose(toPairs(op, batched), 1, 2) : realFloat32(op, batched).unsqueeze(1);
      if (center) {
        const half = Math.floor(nFft / 2);
        sig = pad(sig, [half, half], { mode: padMode });
      }
      const p = complexIn ? transpose(sig, 1, 2) : select(sig, 1, 0);
      const len = p.shape[1];
      if (nFft <= 0 || nFft > len) {
        throw new RangeError(`${op}: expected 0 < n_fft < ${len}, but got n_fft=${nFft}`);
      }
      if (hop <= 0) throw new RangeError(`${op}: expected hop_length > 0, but got hop_length=${hop}`);
      if (winLength <= 0 || winLength > nFft) {
        throw new RangeError(`${op}: expected 0 < win_length <= n_fft, but got win_length=${winLength}`);
      }
      const w = paddedWindow(op, opts.window, winLength, nFft, input);
      // Frames [B, T, nFft, 2] times the window, transformed over the nFft axis (real frames
      // [B, T, nFft] of a real signal's one-sided spectrogram).
      const scale = opts.normalized ? 1 / Math.sqrt(nFft) : 1;
      let spec: Tensor;
      if (onesided) {
        spec = r2c(mul(unfold(p, 1, nFft, hop), w), 2, scale);
      } else {
        const pairs = complexIn ? p : toPairs(op, p);
        const frames = mul(permute(unfold(pairs, 1, nFft, hop), [0, 1, 3, 2]), w.reshape(nFft, 1));
        spec = c2c(frames, [2], false, scale);
      }
      spec = transpose(spec, 1, 2); // a view, as PyTorch's (frames stay contiguous)
      if (input.ndim === 1) spec = select(spec, 0, 0);
      return returnComplex ? fromPairs(spec) : spec;
    }));
}

/**
 * The inverse short-time Fourier transform (`torch.istft`) of a spectrogram `[(B,) freq, frames]`
 * (complex64; a float32 `[..., 2]` of (re, im) pairs is taken too, as PyTorch 1.13 with a
 * warning): the signal `[(B,) L]`, float32 (complex64 with returnComplex). A window whose squared
 * overlap-add vanishes somewhere (PyTorch's NOLA check) throws on the CPU; the GPU, which cannot
 * read values synchronously, gives inf / NaN samples there.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.randn(2, 100), window = torch.hannWindow(16);
 * const S = torch.stft(x, 16, { hopLength: 4, window, returnComplex: true });
 * const y = torch.istft(S, 16, { hopLength: 4, window, length: 100 });
 * assertEquals(torch.allclose(y, x, { atol: 1e-5 }), true);
 * ```
 */
export function istft(input: Tensor, nFft: number, opts: IstftOptions = {}): Tensor {
  const op = "istft";
  return asOp(op, () =>
    inFrameOf(() => {
      checkTensor(op, input);
      checkInt(op, "n_fft", nFft);
      let p: Tensor;
      if (isComplexOperand(input)) p = viewAsReal(input);
      else if (input.dtype === "float32" && input.ndim >= 3 && input.shape[input.ndim - 1] === 2) p = input;
      else {
        throw new TypeError(
          `${op}: expected a complex spectrogram [(B,) freq, frames] (or float32 (re, im) pairs [..., 2]), got ${input.dtype} [${
            input.shape.join(", ")
          }]`,
        );
      }
      const cdim = p.ndim - 1;
      if (cdim !== 2 && cdim !== 3) {
        throw new RangeError(
          `${op}: Expected a 2D or 3D complex tensor, got [${p.shape.slice(0, -1).join(", ")}]`,
        );
      }
      if (cdim === 2) p = p.unsqueeze(0);
      const [, fftSize, nFrames] = p.shape;
      const hop = opts.hopLength ?? Math.floor(nFft / 4), winLength = opts.winLength ?? nFft;
      checkInt(op, "hop_length", hop);
      checkInt(op, "win_length", winLength);
      if (winLength <= 0 || winLength > nFft) {
        throw new RangeError(`${op}: expected 0 < win_length <= n_fft, but got win_length=${winLength}`);
      }
      if (hop <= 0 || hop > winLength) {
        throw new RangeError(`${op}: expected 0 < hop_length <= win_length, but got hop_length=${hop}`);
      }
      const onesided = opts.onesided ?? fftSize !== nFft;
      const returnComplex = opts.returnComplex ?? false;
      if (onesided) {
        if (Math.floor(nFft / 2) + 1 !== fftSize) {
          throw new RangeError(
            `${op}: expected the frequency dimension (3rd to the last) of the input tensor to match n_fft / 2 + 1 when onesided=True, but got ${fftSize}`,
          );
        }
        if (returnComplex) {
          throw new TypeError(`${op}: cannot have onesided output if window or input is complex`);
        }
      } else if (nFft !== fftSize) {
        throw new RangeError(
          `${op}: expected the frequency dimension (3rd to the last) of the input tensor to match n_fft when onesided=False, but got ${fftSize}`,
        );
      }
      const center = opts.center ?? true;
      const w = paddedWindow(op, opts.window, winLength, nFft, p);
      const frameSpec = transpose(p, 1, 2); // [B, T, freq, 2]
      const scale = opts.normalized ? 1 / Math.sqrt(nFft) : 1 / nFft;
      // Frames [B, T, nFft] (real) or [B, T, nFft, 2] (complex), times the window.
      let frames: Tensor;
      if (returnComplex) frames = mul(c2c(frameSpec, [2], true, scale), w.reshape(nFft, 1));
      else {
        const half = onesided ? frameSpec : narrow(frameSpec, 2, 0, Math.floor(nFft / 2) + 1);
        frames = mul(c2r(half, 2, nFft, scale), w);
      }
      const total = nFft + hop * (nFrames - 1);
      const overlapAdd = (f: Tensor) =>
        fold(transpose(f, 1, 2), [1, total], [1, nFft], { stride: [1, hop] }).reshape(f.shape[0], total);
      let y = returnComplex
        ? transpose(
          overlapAdd(permute(frames, [0, 3, 1, 2]).reshape(-1, nFrames, nFft)).reshape(-1, 2, total),
          1,
          2,
        )
        : overlapAdd(frames);
      const env = overlapAdd(mul(w, w).reshape(1, 1, nFft).expand(1, nFrames, nFft).contiguous()).reshape(
        total,
      );
      const start = center ? Math.floor(nFft / 2) : 0;
      const length = opts.length ?? null;
      if (length !== null) checkInt(op, "length", length);
      const end = length !== null ? start + length : center ? total - Math.floor(nFft / 2) : total;
      const stop = Math.min(end, total);
      if (stop <= start) {
        throw new RangeError(
          `${op}: the frames cover ${total} samples, none left after the centre padding of ${start}`,
        );
      }
      y = narrow(y, 1, start, stop - start);
      const e = narrow(env, 0, start, stop - start);
      // The NOLA check needs the envelope's values: on the CPU only (a GPU read is asynchronous;
      // there a vanishing envelope gives inf / NaN samples).
      const lowest = e.device === "cpu" ? Math.min(...Array.from(e.abs().dataSync())) : Infinity;
      if (lowest < 1e-11) {
        throw new RangeError(
          `${op}: window overlap add min: 1 (the window's squared overlap-add is ${lowest} < 1e-11 at some sample: the window and hop_length do not satisfy the NOLA condition)`,
        );
      }
      y = div(y, returnComplex ? e.reshape(-1, 1) : e);
      if (end > total) {
        y = returnComplex
          ? cat([y, zeros([y.shape[0], end - total, 2], { device: y.device })], 1)
          : cat([y, zeros([y.shape[0], end - total], { device: y.device })], 1);
      }
      if (cdim === 2) y = select(y, 0, 0);
      return returnComplex ? fromPairs(y.contiguous()) : y;
    }));
}

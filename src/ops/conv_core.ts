/**
 * The internals of convolution and pooling (`conv.ts` holds the functions users call): argument
 * checks and geometry, the recorded im2col / col2im and convolution, and the gradients of
 * convolution and pooling (rows of the derivative table), each recorded with its own row so that
 * `createGraph: true` works through them.
 * @module
 */
import type { AvgPoolOptions, Conv2dGeometry, Pool2dGeometry } from "../backends/backend.ts";
import { isFloating } from "../dtype.ts";
import { fmtShape, numelOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { backendOf, needsGrad, record, storageAs, wrap } from "./dispatch.ts";
import { expand, narrow, reshape, transpose, unsqueeze } from "./movement.ts";
import { cat, scatterAddInto } from "./indexing.ts";
import { matmul } from "./matmul.ts";
import { sum } from "./reduce.ts";
import { toDType } from "./convert.ts";
import { inFrameOf } from "../memory.ts";
import type { ConvPadding } from "./conv.ts";

/** @internal One integer per spatial dim from a number or a list (of `n`, or of one). */
export function pairOf(op: string, name: string, v: unknown, n = 2): number[] {
  let out: number[];
  if (typeof v === "number") out = new Array(n).fill(v);
  else if (Array.isArray(v) && (v.length === n || v.length === 1)) {
    out = v.length === 1 ? new Array(n).fill(v[0]) : [...v];
  } else {
    throw new TypeError(
      `${op}: expected ${name} to be a single integer value or a list of ${n} values, got ${
        JSON.stringify(v)
      }`,
    );
  }
  for (const x of out) {
    if (typeof x !== "number" || !Number.isInteger(x)) {
      throw new TypeError(`${op}: ${name} must be integers, got ${JSON.stringify(v)}`);
    }
  }
  return out;
}

export function checkFloatTensor(op: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a tensor, got ${typeof t}`);
  if (!isFloating(t.dtype)) {
    throw new TypeError(`${op}: expected ${name} to be a floating point tensor, got ${t.dtype}`);
  }
  if (t.dtype === "float64") {
    throw new TypeError(
      `${op}: float64 ${name} is not supported (the convolution and pooling kernels compute in float32); ` +
        "convert with .float()",
    );
  }
}

/** `x` converted to float32 (recorded, so gradients flow back in the original dtype). */
export function asF32(x: Tensor): Tensor {
  return x.dtype === "float32" ? x : toDType(x, "float32");
}

/** @internal PyTorch's pooling_output_shape: the output size of a pooling window along one dim. */
export function pooledSize(
  inSize: number,
  k: number,
  pad: number,
  stride: number,
  dil: number,
  ceil: boolean,
): number {
  let out = Math.floor((inSize + 2 * pad - dil * (k - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (out - 1) * stride >= inSize + pad) out--;
  return out;
}

const size = (dims: readonly number[]) => `(${dims.join(" x ")})`;

// ---- internal differentiable ops: im2col / col2im ----

/**
 * @internal im2col of a 4-d float32 input: `[N, groups * R, oH * oW]` columns (see
 * `Conv2dGeometry`). Recorded as `im2col` (backward: `col2im`).
 */
export function im2col(x: Tensor, geom: Conv2dGeometry): Tensor {
  return inFrameOf(() => {
    const backend = backendOf("im2col", x);
    const r = (geom.channels / geom.groups) * geom.kernelH * geom.kernelW + (geom.onesRow ? 1 : 0);
    const xin = storageAs(x, "float32");
    const s = backend.im2col(xin, geom);
    return record("im2col", [x], wrap(s, [geom.batch, geom.groups * r, geom.outH * geom.outW]), { geom });
  });
}

/**
 * @internal The adjoint of {@link im2col}: columns back to an `[N, C, H, W]` input (overlaps
 * summed). Recorded as `col2im` (backward: `im2col`).
 */
export function col2im(cols: Tensor, geom: Conv2dGeometry): Tensor {
  return inFrameOf(() => {
    const backend = backendOf("col2im", cols);
    const cin = storageAs(cols, "float32");
    const s = backend.col2im(cin, geom);
    return record("col2im", [cols], wrap(s, [geom.batch, geom.channels, geom.height, geom.width]), { geom });
  });
}

// ---- convolution ----

export interface ConvPlan {
  geom: Conv2dGeometry;
  outChannels: number;
}

/**
 * @internal Throws PyTorch's messages unless `groups` is positive, the weight's output channels
 * divide into the groups, the input has `weight.shape[1] · groups` channels (`c`) and the bias is
 * `[outChannels]`. `shownX`/`shownW` are the shapes the user passed.
 */
export function checkConvChannels(
  op: string,
  c: number,
  w: Tensor,
  bias: Tensor | null,
  groups: number,
  shownX: readonly number[],
  shownW: readonly number[],
): void {
  if (!Number.isInteger(groups) || groups <= 0) {
    throw new RangeError(`${op}: non-positive groups is not supported`);
  }
  const [o, cg] = w.shape;
  if (o % groups !== 0) {
    throw new RangeError(
      `${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got ` +
        `weight of size ${fmtShape(shownW)} instead`,
    );
  }
  if (cg * groups !== c) {
    throw new RangeError(
      `${op}: Given groups=${groups}, weight of size ${fmtShape(shownW)}, expected input${
        fmtShape(shownX)
      } to have ${cg * groups} channels, but got ${c} channels instead`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new RangeError(
      `${op}: Given weight of size ${fmtShape(shownW)}, expected bias to be 1-dimensional with ${o} ` +
        `elements, but got bias of size ${fmtShape(bias.shape)} instead`,
    );
  }
}

/**
 * Validates a 2-d convolution of `x` ([N, C, H, W]) with `w` ([O, C/groups, kH, kW]) and
 * returns its geometry. `shownX`/`shownW` are the shapes the user passed (for messages).
 */
export function planConv(
  op: string,
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  stride: number[],
  padding: ConvPadding,
  dilation: number[],
  groups: number,
  shownX: readonly number[],
  shownW: readonly number[],
  spatial: 1 | 2,
): ConvPlan {
  if (stride.some((s) => s <= 0)) throw new RangeError(`${op}: non-positive stride is not supported`);
  if (dilation.some((d) => d <= 0)) throw new RangeError(`${op}: non-positive dilation is not supported`);
  const [n, c, h, wd] = x.shape;
  const [o, , kH, kW] = w.shape;
  checkConvChannels(op, c, w, bias, groups, shownX, shownW);
  const effH = dilation[0] * (kH - 1) + 1, effW = dilation[1] * (kW - 1) + 1;
  let padT: number, padB: number, padL: number, padR: number;
  if (padding === "valid") {
    padT =
      padB =
      padL =
      padR =
        0;
  } else if (padding === "same") {
    if (stride.some((s) => s !== 1)) {
      throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
    }
    padT = Math.floor((effH - 1) / 2);
    padB = effH - 1 - padT;
    padL = Math.floor((effW - 1) / 2);
    padR = effW - 1 - padL;
  } else if (typeof padding === "string") {
    throw new RangeError(`${op}: Invalid padding string: '${padding}'`);
  } else {
    const p = spatial === 1 ? [0, ...pairOf(op, "padding", padding, 1)] : pairOf(op, "padding", padding);
    if (p.some((v) => v < 0)) throw new RangeError(`${op}: negative padding is not supported`);
    [padT, padL] = p;
    padB = padT;
    padR = padL;
  }
  const inH = h + padT + padB, inW = wd + padL + padR;
  if (inH < effH || inW < effW) {
    const padded = spatial === 1 ? [inW] : [inH, inW];
    const kernel = spatial === 1 ? [effW] : [effH, effW];
    throw new RangeError(
      `${op}: Calculated padded input size per channel: ${size(padded)}. Kernel size: ${size(kernel)}. ` +
        `Kernel size can't be greater than actual input size`,
    );
  }
  const outH = Math.floor((inH - effH) / stride[0]) + 1;
  const outW = Math.floor((inW - effW) / stride[1]) + 1;
  return {
    outChannels: o,
    geom: {
      batch: n,
      channels: c,
      height: h,
      width: wd,
      groups,
      onesRow: bias !== null,
      kernelH: kH,
      kernelW: kW,
      strideH: stride[0],
      strideW: stride[1],
      padH: padT,
      padW: padL,
      dilationH: dilation[0],
      dilationW: dilation[1],
      outH,
      outW,
    },
  };
}

/** Rows of one group's columns: `Cg * kH * kW` (+1 for the bias row). */
function groupRows(g: Conv2dGeometry): number {
  return (g.channels / g.groups) * g.kernelH * g.kernelW + (g.onesRow ? 1 : 0);
}

/** The 4-d float32 convolution, recorded as `conv2d`. */
export function conv2dCore(x: Tensor, w: Tensor, bias: Tensor | null, plan: ConvPlan): Tensor {
  const { geom, outChannels: o } = plan;
  const backend = backendOf("conv2d", x, w, bias);
  const inputs = bias === null ? [x, w] : [x, w, bias];
  const { batch: n, groups: g, outH, outW } = geom;
  const og = o / g, r = groupRows(geom), l = outH * outW;
  const outShape = [n, o, outH, outW];
  if (numelOf(outShape) === 0) {
    return record("conv2d", inputs, wrap(backend.full("float32", 0, 0), outShape), { geom });
  }
  const xin = storageAs(x, "float32");
  // Weight rows, with the bias appended as one more column per output channel.
  const wd = w.detach(), bd = bias?.detach();
  let a = reshape(wd, [g, og, r - (bias ? 1 : 0)]);
  if (bd) a = cat([a, reshape(bd, [g, og, 1])], 2);
  // The columns are kept for the weight gradient only when it will be needed (the bias
  // gradient alone is a sum of the output gradient).
  const keepCols = needsGrad(w);
  if (backend.conv2dForward && !keepCols) {
    // Implicit GEMM: the same products as below without the [N, G·R, L] column buffer.
    const out = backend.conv2dForward(xin, storageAs(a, "float32"), geom, o);
    return record("conv2d", inputs, wrap(out, outShape), { geom, cols: null });
  }
  const colsT = wrap(backend.im2col(xin, geom), [n, g * r, l]);
  const cols = colsT._storage;
  if (g > 1 && n > 1) a = expand(unsqueeze(a, 0), [n, g, og, r]);
  const ain = storageAs(a, "float32");
  const out = backend.matmul(ain, cols, {
    batch: n * g,
    m: og,
    k: r,
    n: l,
    aBatchStride: g === 1 ? 0 : og * r,
    bBatchStride: r * l,
    transA: false,
    transB: false,
  });
  const saved = keepCols ? colsT : null;
  return record("conv2d", inputs, wrap(out, outShape), { geom, cols: saved });
}

/**
 * @internal Gradients of `conv2d` for its inputs `[x, weight, bias?]` (null where not wanted):
 * input `col2im(Wᵀ @ g)`, weight and bias `(Σₙ cols @ gᵀ)ᵀ` (the bias is the ones row's column).
 * Written with recorded ops, so `createGraph` differentiates through it.
 */
export function conv2dBackward(
  g: Tensor,
  inputs: readonly Tensor[],
  geom: Conv2dGeometry,
  savedCols: Tensor | null,
  want: readonly boolean[],
): (Tensor | null)[] {
  return inFrameOf(() => {
    const [x, w] = inputs;
    const { batch: n, groups: gr, outH, outW } = geom;
    const o = w.shape[0], og = o / gr, r = groupRows(geom), cgk = r - (geom.onesRow ? 1 : 0);
    const l = outH * outW;
    const g4 = reshape(asF32(g), [n, gr, og, l]);
    let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
    const backend = backendOf("conv2d", g, w);
    if (want[0] && gr === 1 && backend.conv2dInputGrad && !isGradEnabled()) {
      // Not differentiated further: the backend's kernel keeps one image's columns at a time.
      const s = backend.conv2dInputGrad(storageAs(w, "float32"), storageAs(g4, "float32"), {
        ...geom,
        onesRow: false,
      }, o);
      gx = wrap(s, [n, geom.channels, geom.height, geom.width]);
    } else if (want[0]) {
      const wt = transpose(reshape(w, [gr, og, cgk]), 1, 2); // [G, CgK, Og]
      const gcols = matmul(wt, g4); // [N, G, CgK, L]
      gx = col2im(reshape(gcols, [n, gr * cgk, l]), { ...geom, onesRow: false });
    }
    if (want[1]) {
      // Recompute the columns when differentiating the gradient itself w.r.t. the input.
      const cols = savedCols && !(isGradEnabled() && x.requiresGrad) ? savedCols : im2col(x, geom);
      // Computed transposed, Σₙ cols @ gᵀ ([G, R, Og]): the columns are then the product's
      // row operand, whose register tiles waste less than on the few output channels.
      const gwbT = sum(matmul(reshape(cols, [n, gr, r, l]), transpose(g4, 2, 3)), 0);
      const gwb = transpose(gwbT, 1, 2); // [G, Og, R]
      gw = reshape(narrow(gwb, 2, 0, cgk), w.shape);
      if (geom.onesRow) gb = reshape(narrow(gwb, 2, cgk, 1), [o]);
    }
    if (want[2] && gb === null) gb = sum(g4, [0, 3]).reshape([o]);
    return [gx, gw, want[2] ? gb : null];
  });
}

/** @internal The gradient of `maxPool2d`: `g` added at the saved argmax of each window. */
export function maxPool2dBackward(g: Tensor, indices: Tensor, inputShape: readonly number[]): Tensor {
  return inFrameOf(() => {
    const [n, c, h, w] = inputShape;
    const [oh, ow] = indices.shape.slice(2);
    const flat = scatterAddInto(reshape(asF32(g), [n * c, oh * ow]), 1, reshape(indices, [n * c, oh * ow]), [
      n * c,
      h * w,
    ]);
    return reshape(flat, inputShape);
  });
}

/** @internal Average pooling of a 4-d float32 tensor with a known geometry; recorded as `avgPool2d`. */
export function avgPool2dCore(x: Tensor, geom: Pool2dGeometry, opts: AvgPoolOptions): Tensor {
  return inFrameOf(() => {
    const backend = backendOf("avgPool2d", x);
    const xin = storageAs(x, "float32");
    const s = backend.avgPool2d(xin, geom, opts);
    const out = wrap(s, [x.shape[0], x.shape[1], geom.outH, geom.outW]);
    return record("avgPool2d", [x], out, { geom, opts, inputShape: x.shape });
  });
}

/**
 * @internal The adjoint of average pooling (its input gradient), recorded as
 * `avgPool2dBackward`, whose own gradient is average pooling again.
 */
export function avgPool2dBackward(
  g: Tensor,
  geom: Pool2dGeometry,
  opts: AvgPoolOptions,
  inputShape: readonly number[],
): Tensor {
  return inFrameOf(() => {
    const backend = backendOf("avgPool2d", g);
    const gin = storageAs(g, "float32");
    const s = backend.avgPool2dBackward(gin, geom, opts);
    return record("avgPool2dBackward", [g], wrap(s, inputShape), { geom, opts });
  });
}

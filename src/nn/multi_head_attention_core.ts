/**
 * @internal The computation of `F.multiHeadAttentionForward` and `nn.MultiheadAttention.forward`
 * (multi_head_attention.ts documents the options).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { zeros } from "../creation.ts";
import { fmtShape } from "../shape.ts";
import * as ew from "../ops/elementwise.ts";
import { cat } from "../ops/indexing.ts";
import { pad } from "../ops/pad.ts";
import { named } from "../ops/dispatch.ts";
import { inFrameOf } from "../memory.ts";
import { linear } from "./linear_embedding.ts";
import { additive, attention, causalMask } from "./attention_core.ts";
import type { MultiHeadAttentionForwardOptions } from "./multi_head_attention.ts";

/** @internal The body of `F.multiHeadAttentionForward`; `op` names the caller in errors. */
export function multiHeadAttentionCore(
  op: string,
  query: Tensor,
  key: Tensor,
  value: Tensor,
  opts: MultiHeadAttentionForwardOptions,
): [Tensor, Tensor | null] {
  return inFrameOf(() => {
    for (const [name, t] of [["query", query], ["key", key], ["value", value]] as const) {
      if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a tensor`);
    }
    const unbatched = query.ndim === 2;
    if (query.ndim !== 2 && query.ndim !== 3) {
      throw new RangeError(
        `${op}: query should be unbatched 2-d or batched 3-d, got ${fmtShape(query.shape)}`,
      );
    }
    if (key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new RangeError(`${op}: query, key and value must have the same number of dims`);
    }
    const { numHeads: h, useSeparateProjWeight = false, staticK = null, staticV = null } = opts;
    const batched = (t: Tensor) => (unbatched ? t.unsqueeze(1) : t);
    const q0 = batched(query), k0 = batched(key), v0 = batched(value);
    const [l, n, e] = q0.shape;
    if (e !== opts.embedDimToCheck) {
      throw new RangeError(
        `${op}: was expecting embedding dimension of ${opts.embedDimToCheck}, but got ${e}`,
      );
    }
    if (!Number.isInteger(h) || h < 1 || e % h !== 0) {
      throw new RangeError(`${op}: embed_dim ${e} not divisible by num_heads ${h}`);
    }
    const hd = e / h;
    const sameLead = k0.shape[0] === v0.shape[0] && k0.shape[1] === v0.shape[1] && k0.shape[1] === n;
    if (!sameLead || (!useSeparateProjWeight && k0.shape[2] !== v0.shape[2])) {
      throw new RangeError(
        `${op}: key ${fmtShape(key.shape)} and value ${
          fmtShape(value.shape)
        } must share their sequence and ` +
          `batch dims (the query's batch ${n})${
            useSeparateProjWeight ? "" : " and, without separate projections, their size"
          }`,
      );
    }
    // In-projections: [len, N, E].
    let ws: (Tensor | null | undefined)[];
    if (useSeparateProjWeight) {
      ws = [opts.qProjWeight, opts.kProjWeight, opts.vProjWeight];
      if (ws.some((w) => !w)) {
        throw new TypeError(
          `${op}: useSeparateProjWeight is true but qProjWeight, kProjWeight or vProjWeight is null`,
        );
      }
    } else {
      if (!opts.inProjWeight) {
        throw new TypeError(`${op}: useSeparateProjWeight is false but inProjWeight is null`);
      }
      ws = opts.inProjWeight.chunk(3);
    }
    const b = opts.inProjBias ? opts.inProjBias.chunk(3) : [null, null, null];
    const project = (x: Tensor, i: number) => linear(x, ws[i]!, b[i]);
    // [len, N, E] -> [N, heads, len, headDim]
    const heads = (t: Tensor) => t.reshape(t.shape[0], n, h, hd).permute(1, 2, 0, 3);
    const given = (name: string, t: Tensor) => {
      if (t.ndim !== 3 || t.shape[0] !== n * h || t.shape[2] !== hd) {
        throw new RangeError(
          `${op}: expected ${name} of shape [${n * h}, S, ${hd}], got ${fmtShape(t.shape)}`,
        );
      }
      return t.reshape(n, h, t.shape[1], hd);
    };
    const q = heads(project(q0, 0));
    let kp = staticK ? null : project(k0, 1), vp = staticV ? null : project(v0, 2);
    let extra = 0; // key columns appended after the masks' `sBase` ones
    const { biasK = null, biasV = null } = opts;
    if (biasK || biasV) {
      if (!biasK || !biasV) throw new TypeError(`${op}: biasK and biasV must be given together`);
      if (staticK || staticV) throw new TypeError(`${op}: bias cannot be added to static key or value`);
      for (const [name, t] of [["biasK", biasK], ["biasV", biasV]] as const) {
        if (t.numel() !== e) {
          throw new RangeError(`${op}: expected ${name} of ${e} elements, got ${fmtShape(t.shape)}`);
        }
      }
      kp = cat([kp!, biasK.reshape(1, 1, e).expand(1, n, e)]);
      vp = cat([vp!, biasV.reshape(1, 1, e).expand(1, n, e)]);
      extra++;
    }
    let k = staticK ? given("staticK", staticK) : heads(kp!);
    let v = staticV ? given("staticV", staticV) : heads(vp!);
    if (k.shape[2] !== v.shape[2]) {
      throw new RangeError(`${op}: keys and values differ in length (${k.shape[2]} and ${v.shape[2]})`);
    }
    if (opts.addZeroAttn) {
      k = cat([k, zeros([n, h, 1, hd], { dtype: k.dtype, device: k.device })], 2);
      v = cat([v, zeros([n, h, 1, hd], { dtype: v.dtype, device: v.device })], 2);
      extra++;
    }
    const src = k.shape[2], sBase = src - extra;
    // The masks as scores added to q kᵀ, `[.., L, src]` (appended keys unmasked).
    const padded = (m: Tensor) => (extra > 0 ? pad(m, [0, extra]) : m);
    const scores = (m: Tensor) => padded(m.dtype === "bool" ? ew.where(m, -Infinity, 0) : additive(m, q));
    let mask: Tensor | null = null;
    if (opts.isCausal && !opts.attnMask) mask = padded(ew.where(causalMask(l, sBase, q), 0, -Infinity));
    if (opts.attnMask) {
      const m = opts.attnMask;
      const ok = (m.ndim === 2 && m.shape[0] === l && m.shape[1] === sBase) ||
        (m.ndim === 3 && m.shape[0] === n * h && m.shape[1] === l && m.shape[2] === sBase);
      if (!ok) {
        throw new RangeError(
          `${op}: attnMask should be [${l}, ${sBase}] or [${n * h}, ${l}, ${sBase}], got ${
            fmtShape(m.shape)
          }`,
        );
      }
      mask = m.ndim === 3 ? scores(m).reshape(n, h, l, src) : scores(m);
    }
    if (opts.keyPaddingMask) {
      const m = opts.keyPaddingMask;
      const want = unbatched ? [sBase] : [n, sBase];
      if (m.ndim !== want.length || m.shape.some((d, i) => d !== want[i])) {
        throw new RangeError(
          `${op}: expected keyPaddingMask of shape ${fmtShape(want)}, got ${fmtShape(m.shape)}`,
        );
      }
      const add = scores(m).reshape(n, 1, 1, src);
      mask = mask ? ew.add(mask, add) : add;
    }
    const training = opts.training ?? true;
    const [ctx, weights] = attention(op, q, k, v, {
      attnMask: mask,
      dropoutP: training ? (opts.dropoutP ?? 0) : 0,
    });
    // [N, heads, L, headDim] -> [L, N, E]
    const merged = ctx.permute(2, 0, 1, 3).reshape(l, n, e);
    // PyTorch projects the [L * N, E] rows and views them as [L, N, E].
    const out0 = named(linear(merged, opts.outProjWeight, opts.outProjBias ?? null), "ViewBackward0", merged);
    const out = unbatched ? out0.squeeze(1) : out0;
    if (opts.needWeights === false) return [out, null];
    const w = (opts.averageAttnWeights ?? true) ? weights.mean(1) : weights;
    return [out, unbatched ? w.squeeze(0) : w];
  });
}

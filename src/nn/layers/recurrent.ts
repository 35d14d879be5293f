/**
 * Recurrent layers: `RNN`, `LSTM`, `GRU` over whole sequences (layers, directions, batch-first,
 * dropout between layers) and the single-step `RNNCell`, `LSTMCell`, `GRUCell`. Written with
 * `linear` and the elementwise ops, so they run on every backend and autograd differentiates
 * them through time. Parameter names, shapes, gate order (LSTM: i, f, g, o; GRU: r, z, n) and
 * initialisation (every parameter from U(-1/√hidden, 1/√hidden)) are PyTorch's, so state dicts
 * load across. The sequence layers also take a `PackedSequence` (variable-length batches): each
 * step then runs on the sequences still going, so every sequence's final state is the one at its
 * own last step.
 * @module
 */
import { Tensor } from "../../tensor.ts";
import type { Device } from "../../backends/backend.ts";
import { type DType, getDefaultDtype } from "../../dtype.ts";
import { empty, zeros } from "../../creation.ts";
import { Module, Parameter, pyBool } from "../module.ts";
import * as F from "../functional.ts";
import * as init from "../init.ts";
import { fmtShape } from "../../shape.ts";
import { cat, stack } from "../../ops/indexing.ts";
import { PackedSequence } from "../packed_sequence.ts";

/** Which recurrence a recurrent module runs (PyTorch's `mode` strings). */
export type RecurrentMode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
const GATES: Record<RecurrentMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };
const NAME: Record<RecurrentMode, string> = { RNN_TANH: "RNN", RNN_RELU: "RNN", LSTM: "LSTM", GRU: "GRU" };

/** Options of `RNN`, `LSTM` and `GRU`. */
export interface RecurrentOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Whether the layers add `bias_ih`/`bias_hh` (default true). */
  bias?: boolean;
  /** Input and output as `[batch, seq, feature]` instead of `[seq, batch, feature]` (default false). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** A second, reversed direction whose outputs are concatenated (default false). */
  bidirectional?: boolean;
  /** Where the parameters live (default "cpu"). */
  device?: Device;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
}

/** Options of `RNN`: the recurrent options and the nonlinearity. */
export interface RNNOptions extends RecurrentOptions {
  /** `"tanh"` (default) or `"relu"`. */
  nonlinearity?: "tanh" | "relu";
}

function checkSize(op: string, name: string, v: unknown, min = 0): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new TypeError(`${op}: ${name} must be an integer >= ${min}, got ${v}`);
  }
  return v;
}

/**
 * One time step: the new hidden state (and cell state for LSTM) from the input projection
 * `xProj = x @ W_ih.T + b_ih` and the previous state.
 */
function step(
  mode: RecurrentMode,
  xProj: Tensor,
  h: Tensor,
  c: Tensor | null,
  wHh: Tensor,
  bHh: Tensor | null,
): [
  Tensor,
  Tensor | null,
] {
  const hProj = F.linear(h, wHh, bHh);
  if (mode === "RNN_TANH") return [xProj.add(hProj).tanh(), null];
  if (mode === "RNN_RELU") return [xProj.add(hProj).relu(), null];
  if (mode === "LSTM") {
    const [i, f, g, o] = xProj.add(hProj).chunk(4, -1);
    const cNext = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
    return [o.sigmoid().mul(cNext.tanh()), cNext];
  }
  const [xr, xz, xn] = xProj.chunk(3, -1);
  const [hr, hz, hn] = hProj.chunk(3, -1);
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  // (1 - z) * n + z * h, written as n + z * (h - n)
  return [n.add(z.mul(h.sub(n))), null];
}

/** The state `[numLayers * directions, batch, hidden]` given for `name`, checked, or zeros. */
function initialState(
  op: string,
  name: string,
  given: Tensor | undefined,
  want: number[],
  unbatched: boolean,
  like: Tensor,
): Tensor {
  if (given === undefined) return zeros(want, { dtype: like.dtype, device: like.device });
  if (!(given instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a tensor`);
  const shape = unbatched ? [want[0], want[2]] : want;
  if (given.ndim !== shape.length || given.shape.some((s, i) => s !== shape[i])) {
    throw new RangeError(`${op}: expected ${name} of size ${fmtShape(shape)}, got ${fmtShape(given.shape)}`);
  }
  return unbatched ? given.unsqueeze(1) : given;
}

/** The base of `RNN`, `LSTM` and `GRU` (PyTorch's `RNNBase`): layers, directions and weights. */
export abstract class RNNBase extends Module {
  /** Which recurrence the module runs. */
  readonly mode: RecurrentMode;
  /** Features of each input step. */
  readonly inputSize: number;
  /** Features of the hidden state. */
  readonly hiddenSize: number;
  /** The `numLayers` setting (PyTorch's `num_layers`). */
  readonly numLayers: number;
  /** The `bias` setting, as given to the constructor. */
  readonly bias: boolean;
  /** The `batchFirst` setting (PyTorch's `batch_first`). */
  readonly batchFirst: boolean;
  /** The `dropout` setting, as given to the constructor. */
  readonly dropout: number;
  /** The `bidirectional` setting, as given to the constructor. */
  readonly bidirectional: boolean;

  /** Creates the module; the arguments are described on the class. */
  constructor(mode: RecurrentMode, inputSize: number, hiddenSize: number, opts: RecurrentOptions) {
    super();
    const op = NAME[mode];
    this.mode = mode;
    this.inputSize = checkSize(op, "inputSize", inputSize);
    this.hiddenSize = checkSize(op, "hiddenSize", hiddenSize, 1);
    this.numLayers = checkSize(op, "numLayers", opts.numLayers ?? 1, 1);
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    if (typeof this.dropout !== "number" || !(this.dropout >= 0 && this.dropout <= 1)) {
      throw new RangeError(`${op}: dropout should be a number in range [0, 1], got ${this.dropout}`);
    }
    const dtype = opts.dtype ?? getDefaultDtype();
    const gate = GATES[mode] * hiddenSize;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const layerInput = layer === 0 ? inputSize : hiddenSize * this.#directions();
      for (const sfx of this.#suffixes()) {
        this.registerParameter(
          `weight_ih_l${layer}${sfx}`,
          new Parameter(empty([gate, layerInput], { dtype })),
        );
        this.registerParameter(
          `weight_hh_l${layer}${sfx}`,
          new Parameter(empty([gate, hiddenSize], { dtype })),
        );
        if (this.bias) {
          this.registerParameter(`bias_ih_l${layer}${sfx}`, new Parameter(empty([gate], { dtype })));
          this.registerParameter(`bias_hh_l${layer}${sfx}`, new Parameter(empty([gate], { dtype })));
        }
      }
    }
    this.resetParameters();
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  #directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  #suffixes(): string[] {
    return this.bidirectional ? ["", "_reverse"] : [""];
  }

  #param(name: string): Tensor | null {
    return (this as unknown as Record<string, Tensor | null>)[name] ?? null;
  }

  /** Re-draws every parameter from U(-1/√hiddenSize, 1/√hiddenSize), as PyTorch. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -bound, bound);
  }

  /**
   * Runs the layers over the sequence (a packed input gives a packed output); `state` is h0 (and
   * c0 for LSTM).
   */
  protected run(
    input: Tensor | PackedSequence,
    h0?: Tensor,
    c0?: Tensor,
  ): [Tensor | PackedSequence, Tensor, Tensor | null] {
    if (input instanceof PackedSequence) return this.#runPacked(input, h0, c0);
    const op = NAME[this.mode];
    if (!(input instanceof Tensor)) throw new TypeError(`${op}: input must be a tensor`);
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new RangeError(
        `${op}: expected input to be 2-d or 3-d, got ${input.ndim}-d ${fmtShape(input.shape)}`,
      );
    }
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new RangeError(
        `${op}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${
          input.shape[input.ndim - 1]
        }`,
      );
    }
    const unbatched = input.ndim === 2;
    // [seq, batch, feature] from here on.
    let x = unbatched ? input.unsqueeze(1) : this.batchFirst ? input.transpose(0, 1) : input;
    const [seqLen, batch] = x.shape;
    const dirs = this.#directions();
    const stateShape = [this.numLayers * dirs, batch, this.hiddenSize];
    const h = initialState(op, "hx", h0, stateShape, unbatched, x);
    const c = this.mode === "LSTM" ? initialState(op, "cx", c0, stateShape, unbatched, x) : null;
    const hOut: Tensor[] = [], cOut: Tensor[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outputs: Tensor[] = [];
      this.#suffixes().forEach((sfx, d) => {
        const k = layer * dirs + d;
        const wIh = this.#param(`weight_ih_l${layer}${sfx}`)!,
          wHh = this.#param(`weight_hh_l${layer}${sfx}`)!;
        const bIh = this.#param(`bias_ih_l${layer}${sfx}`), bHh = this.#param(`bias_hh_l${layer}${sfx}`);
        const xProj = F.linear(x, wIh, bIh); // every time step at once
        let hk = h.index(k), ck = c ? c.index(k) : null;
        const steps: Tensor[] = new Array(seqLen);
        for (let s = 0; s < seqLen; s++) {
          const t = d === 0 ? s : seqLen - 1 - s;
          [hk, ck] = step(this.mode, xProj.index(t), hk, ck, wHh, bHh);
          steps[t] = hk;
        }
        outputs.push(seqLen > 0 ? stack(steps, 0) : zeros([0, batch, this.hiddenSize], { device: x.device }));
        hOut.push(hk);
        if (ck) cOut.push(ck);
      });
      x = dirs === 1 ? outputs[0] : cat(outputs, -1);
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) {
        x = F.dropout(x, this.dropout, true);
      }
    }
    let output = unbatched ? x.squeeze(1) : this.batchFirst ? x.transpose(0, 1) : x;
    if (!unbatched && this.batchFirst) output = output.contiguous();
    const hn = stack(hOut, 0), cn = c ? stack(cOut, 0) : null;
    return [output, unbatched ? hn.squeeze(1) : hn, cn && unbatched ? cn.squeeze(1) : cn];
  }

  /**
   * The layers over a packed batch (PyTorch's packed path): step `t` advances the first
   * `batchSizes[t]` (sorted) sequences only. States are given and returned in the original
   * batch order; inside they are in sorted order.
   */
  #runPacked(input: PackedSequence, h0?: Tensor, c0?: Tensor): [PackedSequence, Tensor, Tensor | null] {
    const op = NAME[this.mode];
    const data = input.data;
    if (data.ndim !== 2) {
      throw new RangeError(`${op}: packed input data must have 2 dimensions, got ${fmtShape(data.shape)}`);
    }
    if (data.shape[1] !== this.inputSize) {
      throw new RangeError(
        `${op}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${data.shape[1]}`,
      );
    }
    const sizes = input._hostBatchSizes;
    const dirs = this.#directions();
    const stateShape = [this.numLayers * dirs, sizes[0], this.hiddenSize];
    const sortState = (t: Tensor) => input.sortedIndices ? t.indexSelect(1, input.sortedIndices) : t;
    const h = sortState(initialState(op, "hx", h0, stateShape, false, data));
    const c = this.mode === "LSTM" ? sortState(initialState(op, "cx", c0, stateShape, false, data)) : null;
    let x = data;
    const hOut: Tensor[] = [], cOut: Tensor[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outputs: Tensor[] = [];
      this.#suffixes().forEach((sfx, d) => {
        const k = layer * dirs + d;
        const xProj = F.linear(
          x,
          this.#param(`weight_ih_l${layer}${sfx}`)!,
          this.#param(`bias_ih_l${layer}${sfx}`),
        );
        const [out, hk, ck] = this.#packedDirection(
          xProj,
          sizes,
          h.index(k),
          c ? c.index(k) : null,
          this.#param(`weight_hh_l${layer}${sfx}`)!,
          this.#param(`bias_hh_l${layer}${sfx}`),
          d === 1,
        );
        outputs.push(out);
        hOut.push(hk);
        if (ck) cOut.push(ck);
      });
      x = dirs === 1 ? outputs[0] : cat(outputs, -1);
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) {
        x = F.dropout(x, this.dropout, true);
      }
    }
    const unsort = (t: Tensor) => input.unsortedIndices ? t.indexSelect(1, input.unsortedIndices) : t;
    return [
      input._withData(x),
      unsort(stack(hOut, 0)),
      c ? unsort(stack(cOut, 0)) : null,
    ];
  }

  /**
   * One direction of one layer over a packed batch: the packed outputs and the final states.
   * Forward, the batch shrinks as sequences end (their rows of the state are set aside as final
   * states); reversed, it grows from the last step, each sequence starting from its own last
   * element with its initial state.
   */
  #packedDirection(
    xProj: Tensor,
    sizes: readonly number[],
    h0: Tensor,
    c0: Tensor | null,
    wHh: Tensor,
    bHh: Tensor | null,
    reverse: boolean,
  ): [Tensor, Tensor, Tensor | null] {
    const offsets: number[] = [];
    sizes.reduce((offset, b) => (offsets.push(offset), offset + b), 0);
    const steps: Tensor[] = new Array(sizes.length);
    if (!reverse) {
      let h = h0, c = c0;
      const doneH: Tensor[] = [], doneC: Tensor[] = [];
      sizes.forEach((b, t) => {
        const live = h.shape[0];
        if (b < live) {
          doneH.push(h.narrow(0, b, live - b));
          h = h.narrow(0, 0, b);
          if (c) {
            doneC.push(c.narrow(0, b, live - b));
            c = c.narrow(0, 0, b);
          }
        }
        [h, c] = step(this.mode, xProj.narrow(0, offsets[t], b), h, c, wHh, bHh);
        steps[t] = h;
      });
      const final = (last: Tensor, done: Tensor[]) =>
        done.length === 0 ? last : cat([last, ...done.reverse()], 0);
      return [cat(steps, 0), final(h, doneH), c ? final(c, doneC) : null];
    }
    const last = sizes.length - 1;
    let h = h0.narrow(0, 0, sizes[last]), c = c0 ? c0.narrow(0, 0, sizes[last]) : null;
    for (let t = last; t >= 0; t--) {
      const live = h.shape[0], b = sizes[t];
      if (b > live) {
        h = cat([h, h0.narrow(0, live, b - live)], 0);
        if (c) c = cat([c, c0!.narrow(0, live, b - live)], 0);
      }
      [h, c] = step(this.mode, xProj.narrow(0, offsets[t], b), h, c, wHh, bHh);
      steps[t] = h;
    }
    return [cat(steps, 0), h, c];
  }

  /** The arguments printed inside `RNNBase(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(this.bidirectional)}`;
    return s;
  }
}

/**
 * An Elman RNN, `h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)` (or relu), over a
 * sequence `[seq, batch, inputSize]` (`[batch, seq, ...]` with `batchFirst`, or unbatched
 * `[seq, inputSize]`). Returns `[output, hN]`: every step's top-layer state, and the last state of
 * every layer and direction.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [output, hn] = rnn(torch.randn(5, 3, 10));
 * assertEquals([output.shape, hn.shape], [[5, 3, 20], [2, 3, 20]]);
 * ```
 */
export class RNN extends RNNBase {
  /** Creates the module; the arguments are described on the class. */
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    const nl = opts.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new RangeError(`RNN: unknown nonlinearity '${nl}'`);
    super(nl === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, opts);
  }
  /** `[output, hN]` for a packed `input` (the output packed alike) and an optional initial state `hx`. */
  override forward(input: PackedSequence, hx?: Tensor): [PackedSequence, Tensor];
  /** `[output, hN]` for a tensor `input` and an optional initial state `hx`. */
  override forward(input: Tensor, hx?: Tensor): [Tensor, Tensor];
  /** `[output, hN]` for `input` and an optional initial state `hx`. */
  override forward(input: Tensor | PackedSequence, hx?: Tensor): [Tensor | PackedSequence, Tensor] {
    const [output, hn] = this.run(input, hx);
    return [output, hn];
  }
}
/** Calling the module runs `forward`: a packed input gives a packed output. */
export interface RNN {
  (input: PackedSequence, hx?: Tensor): [PackedSequence, Tensor];
  (input: Tensor, hx?: Tensor): [Tensor, Tensor];
}

/**
 * A long short-term memory network (gates i, f, g, o) over a sequence; see {@link RNN} for the
 * layouts. `forward(input, [h0, c0]?)` returns `[output, [hN, cN]]`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const lstm = new nn.LSTM(10, 20, { batchFirst: true });
 * const [output, [hn, cn]] = lstm(torch.randn(3, 5, 10));
 * assertEquals([output.shape, hn.shape, cn.shape], [[3, 5, 20], [1, 3, 20], [1, 3, 20]]);
 * ```
 */
export class LSTM extends RNNBase {
  /** Creates the module; the arguments are described on the class. */
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions = {}) {
    super("LSTM", inputSize, hiddenSize, opts);
  }
  /** `[output, [hN, cN]]` for a packed `input` (the output packed alike) and an optional `[h0, c0]`. */
  override forward(input: PackedSequence, state?: [Tensor, Tensor]): [PackedSequence, [Tensor, Tensor]];
  /** `[output, [hN, cN]]` for a tensor `input` and an optional initial state `[h0, c0]`. */
  override forward(input: Tensor, state?: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]];
  /** `[output, [hN, cN]]` for `input` and an optional initial state `[h0, c0]`. */
  override forward(
    input: Tensor | PackedSequence,
    state?: [Tensor, Tensor],
  ): [Tensor | PackedSequence, [Tensor, Tensor]] {
    if (state !== undefined && (!Array.isArray(state) || state.length !== 2)) {
      throw new TypeError("LSTM: the initial state must be a pair [h0, c0]");
    }
    const [output, hn, cn] = this.run(input, state?.[0], state?.[1]);
    return [output, [hn, cn!]];
  }
}
/** Calling the module runs `forward`: a packed input gives a packed output. */
export interface LSTM {
  (input: PackedSequence, state?: [Tensor, Tensor]): [PackedSequence, [Tensor, Tensor]];
  (input: Tensor, state?: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]];
}

/**
 * A gated recurrent unit network (gates r, z, n) over a sequence; see {@link RNN} for the layouts
 * and the result.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const gru = new nn.GRU(4, 8, { bidirectional: true });
 * const [output, hn] = gru(torch.randn(6, 2, 4));
 * assertEquals([output.shape, hn.shape], [[6, 2, 16], [2, 2, 8]]);
 * ```
 */
export class GRU extends RNNBase {
  /** Creates the module; the arguments are described on the class. */
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions = {}) {
    super("GRU", inputSize, hiddenSize, opts);
  }
  /** `[output, hN]` for a packed `input` (the output packed alike) and an optional initial state `hx`. */
  override forward(input: PackedSequence, hx?: Tensor): [PackedSequence, Tensor];
  /** `[output, hN]` for a tensor `input` and an optional initial state `hx`. */
  override forward(input: Tensor, hx?: Tensor): [Tensor, Tensor];
  /** `[output, hN]` for `input` and an optional initial state `hx`. */
  override forward(input: Tensor | PackedSequence, hx?: Tensor): [Tensor | PackedSequence, Tensor] {
    const [output, hn] = this.run(input, hx);
    return [output, hn];
  }
}
/** Calling the module runs `forward`: a packed input gives a packed output. */
export interface GRU {
  (input: PackedSequence, hx?: Tensor): [PackedSequence, Tensor];
  (input: Tensor, hx?: Tensor): [Tensor, Tensor];
}

/** Options of the cells. */
export interface CellOptions {
  /** Whether the cell adds `bias_ih`/`bias_hh` (default true). */
  bias?: boolean;
  /** Where the parameters live (default "cpu"). */
  device?: Device;
  /** The parameters' dtype (default float32). */
  dtype?: DType;
}

/** The base of `RNNCell`, `LSTMCell` and `GRUCell` (PyTorch's `RNNCellBase`). */
export abstract class CellBase extends Module {
  /** Which recurrence the cell runs. */
  readonly mode: RecurrentMode;
  /** The `inputSize` setting (PyTorch's `input_size`). */
  readonly inputSize: number;
  /** The `hiddenSize` setting (PyTorch's `hidden_size`). */
  readonly hiddenSize: number;
  /** The `bias` setting, as given to the constructor. */
  readonly bias: boolean;
  /** Learnable parameter `weight_ih`, as PyTorch names it. */
  weight_ih: Parameter;
  /** Learnable parameter `weight_hh`, as PyTorch names it. */
  weight_hh: Parameter;
  /** Learnable parameter `bias_ih` (null when the module has none), as PyTorch names it. */
  bias_ih: Parameter | null;
  /** Learnable parameter `bias_hh` (null when the module has none), as PyTorch names it. */
  bias_hh: Parameter | null;

  /** Creates the module; the arguments are described on the class. */
  constructor(mode: RecurrentMode, name: string, inputSize: number, hiddenSize: number, opts: CellOptions) {
    super();
    this.mode = mode;
    this.inputSize = checkSize(name, "inputSize", inputSize);
    this.hiddenSize = checkSize(name, "hiddenSize", hiddenSize, 1);
    this.bias = opts.bias ?? true;
    const dtype = opts.dtype ?? getDefaultDtype();
    const gate = GATES[mode] * hiddenSize;
    this.weight_ih = new Parameter(empty([gate, inputSize], { dtype }));
    this.weight_hh = new Parameter(empty([gate, hiddenSize], { dtype }));
    this.bias_ih = this.bias ? new Parameter(empty([gate], { dtype })) : null;
    this.bias_hh = this.bias ? new Parameter(empty([gate], { dtype })) : null;
    this.resetParameters();
    if (opts.device && opts.device !== "cpu") this.to(opts.device);
  }

  /** Re-draws every parameter from U(-1/√hiddenSize, 1/√hiddenSize), as PyTorch. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -bound, bound);
  }

  /** One step of the cell on `input` from state `h` (and `c` for LSTM): `[h', c' | null]`. */
  protected cellStep(name: string, input: Tensor, h?: Tensor, c?: Tensor): [Tensor, Tensor | null] {
    if (!(input instanceof Tensor) || (input.ndim !== 1 && input.ndim !== 2)) {
      throw new RangeError(
        `${name}: expected input to be 1-d or 2-d, got ${
          input instanceof Tensor ? fmtShape(input.shape) : typeof input
        }`,
      );
    }
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new RangeError(
        `${name}: input has inconsistent input_size: got ${
          input.shape[input.ndim - 1]
        } expected ${this.inputSize}`,
      );
    }
    const unbatched = input.ndim === 1;
    const x = unbatched ? input.unsqueeze(0) : input;
    const want = [x.shape[0], this.hiddenSize];
    const state = (given: Tensor | undefined, what: string) => {
      if (given === undefined) return zeros(want, { dtype: x.dtype, device: x.device });
      const shape = unbatched ? [this.hiddenSize] : want;
      if (
        !(given instanceof Tensor) || given.ndim !== shape.length ||
        given.shape.some((s, i) => s !== shape[i])
      ) {
        throw new RangeError(
          `${name}: expected ${what} of size ${fmtShape(shape)}, got ${
            given instanceof Tensor ? fmtShape(given.shape) : typeof given
          }`,
        );
      }
      return unbatched ? given.unsqueeze(0) : given;
    };
    const hx = state(h, "hx");
    const cx = this.mode === "LSTM" ? state(c, "cx") : null;
    const [hNext, cNext] = step(
      this.mode,
      F.linear(x, this.weight_ih, this.bias_ih),
      hx,
      cx,
      this.weight_hh,
      this.bias_hh,
    );
    return unbatched ? [hNext.squeeze(0), cNext ? cNext.squeeze(0) : null] : [hNext, cNext];
  }

  /** The arguments printed inside `CellBase(...)`, as PyTorch's `extra_repr`. */
  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    if (this.mode === "RNN_RELU") s += ", nonlinearity=relu";
    return s;
  }
}

/**
 * One step of an Elman RNN: `h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)` (or relu).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const cell = new nn.RNNCell(10, 20);
 * assertEquals(cell(torch.randn(3, 10)).shape, [3, 20]);
 * ```
 */
export class RNNCell extends CellBase {
  /** Creates the module; the arguments are described on the class. */
  constructor(
    inputSize: number,
    hiddenSize: number,
    opts: CellOptions & { nonlinearity?: "tanh" | "relu" } = {},
  ) {
    const nl = opts.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new RangeError(`RNNCell: unknown nonlinearity '${nl}'`);
    super(nl === "tanh" ? "RNN_TANH" : "RNN_RELU", "RNNCell", inputSize, hiddenSize, opts);
  }
  /** The next hidden state for `input` and `hx` (zeros when omitted). */
  override forward(input: Tensor, hx?: Tensor): Tensor {
    return this.cellStep("RNNCell", input, hx)[0];
  }
}

/**
 * One step of an LSTM: `[h', c']` from `input` and `[h, c]` (zeros when omitted).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const cell = new nn.LSTMCell(10, 20);
 * const [h, c] = cell(torch.randn(3, 10));
 * assertEquals([h.shape, c.shape], [[3, 20], [3, 20]]);
 * ```
 */
export class LSTMCell extends CellBase {
  /** Creates the module; the arguments are described on the class. */
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super("LSTM", "LSTMCell", inputSize, hiddenSize, opts);
  }
  /** `[h', c']` for `input` and the state `[h, c]`. */
  override forward(input: Tensor, state?: [Tensor, Tensor]): [Tensor, Tensor] {
    const [h, c] = this.cellStep("LSTMCell", input, state?.[0], state?.[1]);
    return [h, c!];
  }
}

/**
 * One step of a GRU: the next hidden state from `input` and `hx` (zeros when omitted).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const cell = new nn.GRUCell(10, 20);
 * assertEquals(cell(torch.randn(3, 10)).shape, [3, 20]);
 * ```
 */
export class GRUCell extends CellBase {
  /** Creates the module; the arguments are described on the class. */
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super("GRU", "GRUCell", inputSize, hiddenSize, opts);
  }
  /** The next hidden state for `input` and `hx`. */
  override forward(input: Tensor, hx?: Tensor): Tensor {
    return this.cellStep("GRUCell", input, hx)[0];
  }
}

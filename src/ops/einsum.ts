/**
 * `einsum`: Einstein summation over one or two operands (PyTorch's `torch.einsum`), lowered to
 * `diagonal`, `sum`, `permute`, `reshape` and one batched `matmul`, so it runs on every backend
 * and autograd differentiates it. Subscripts are letters; `...` stands for broadcast leading dims;
 * without `->` the output is the letters used once, in alphabetical order.
 * @module
 */
import { fmtShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { matmul } from "./matmul.ts";
import { diagonal } from "./rearrange.ts";
import { expand, permute, reshape, unsqueeze } from "./movement.ts";
import { sum } from "./reduce.ts";
import { mul } from "./elementwise.ts";
import { inFrameOf } from "../memory.ts";

/** A tensor and its subscripts, one letter per dim (ellipsis dims get private names). */
interface Term {
  t: Tensor;
  labels: string[];
}

const ELLIPSIS_LABELS = "ⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹⅺⅻ"; // names for `...` dims (never user letters)

/** The labels of `spec` for `ndim` dims; `...` takes the last of the `ellipsisDims` private names. */
function parseLabels(op: string, spec: string, ndim: number, ellipsisDims: number, shape: string): string[] {
  const parts = spec.split("...");
  if (parts.length > 2) throw new RangeError(`${op}: more than one "..." in subscript "${spec}"`);
  for (const ch of parts.join("")) {
    if (!/[a-zA-Z]/.test(ch)) {
      throw new RangeError(`${op}: invalid subscript "${ch}" in "${spec}" (letters only)`);
    }
  }
  const named = parts.join("").length;
  if (parts.length === 1) {
    if (named !== ndim) {
      throw new RangeError(
        `${op}: the number of subscripts in "${spec}" (${named}) does not match the number of dimensions ` +
          `(${ndim}) of ${shape}`,
      );
    }
    return [...spec];
  }
  const n = ndim - named;
  if (n < 0) {
    throw new RangeError(`${op}: subscript "${spec}" has more letters than the ${ndim} dims of ${shape}`);
  }
  return [...parts[0], ...ELLIPSIS_LABELS.slice(ellipsisDims - n, ellipsisDims), ...parts[1]];
}

/** Takes repeated labels of one operand along their diagonal (`ii->i`). */
function collapseRepeats(term: Term): Term {
  let { t, labels } = term;
  for (;;) {
    const i = labels.findIndex((l, k) => labels.indexOf(l) !== k);
    if (i < 0) return { t, labels };
    const first = labels.indexOf(labels[i]);
    if (t.shape[first] !== t.shape[i]) {
      throw new RangeError(
        `einsum: subscript "${labels[i]}" is repeated for dims of sizes ${t.shape[first]} and ${t.shape[i]}`,
      );
    }
    // diagonal() removes both dims and appends the diagonal last.
    t = diagonal(t, 0, first, i);
    labels = [...labels.filter((_, k) => k !== first && k !== i), labels[i]];
  }
}

/** Sums the labels of `term` that appear nowhere in `keep`. */
function sumOut(term: Term, keep: Set<string>): Term {
  const dims = term.labels.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (dims.length === 0) return term;
  return { t: sum(term.t, dims), labels: term.labels.filter((l) => keep.has(l)) };
}

/** `term`'s tensor with dims ordered as `order` (labels it lacks become size-1 dims). */
function aligned(term: Term, order: string[]): Tensor {
  let t = permute(term.t, order.filter((l) => term.labels.includes(l)).map((l) => term.labels.indexOf(l)));
  order.forEach((l, i) => {
    if (!term.labels.includes(l)) t = unsqueeze(t, i);
  });
  return t;
}

/**
 * Einstein summation (`"ij,jk->ik"`, `"bhqd,bhkd->bhqk"`, `"ii->i"`, `"i,j->ij"`, `"...ij->...ji"`).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const a = torch.tensor([[1, 2], [3, 4]]), b = torch.tensor([[5, 6], [7, 8]]);
 * assertEquals(torch.einsum("ij,jk->ik", a, b).toArray(), [[19, 22], [43, 50]]);
 * assertEquals(torch.einsum("ii", a).item(), 5); // the trace
 * ```
 */
export function einsum(equation: string, ...operands: (Tensor | Tensor[])[]): Tensor {
  return inFrameOf(() => {
    const op = "einsum";
    const ts = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as Tensor[];
    if (typeof equation !== "string") throw new TypeError(`${op}: the equation must be a string`);
    if (ts.length < 1 || ts.length > 2) {
      throw new RangeError(`${op}: expected one or two operands, got ${ts.length} (chain pairs for more)`);
    }
    ts.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`${op}: operand ${i} is not a tensor`);
    });
    const eq = equation.replace(/\s+/g, "");
    const [lhs, rhs] = eq.includes("->") ? eq.split("->") : [eq, null];
    const specs = lhs.split(",");
    if (specs.length !== ts.length) {
      throw new RangeError(
        `${op}: the equation has ${specs.length} operand subscript(s) for ${ts.length} operand(s)`,
      );
    }
    const ellipsisDims = Math.max(
      0,
      ...specs.map((s, i) => (s.includes("...") ? ts[i].ndim - (s.length - 3) : 0)),
    );
    let terms: Term[] = specs.map((s, i) => ({
      t: ts[i],
      labels: parseLabels(op, s, ts[i].ndim, ellipsisDims, `an operand of shape ${fmtShape(ts[i].shape)}`),
    }));
    // Sizes agree per label (1 broadcasts, as PyTorch).
    const size = new Map<string, number>();
    for (const { t, labels } of terms) {
      labels.forEach((l, i) => {
        const n = t.shape[i], have = size.get(l);
        if (have === undefined || have === 1) size.set(l, n);
        else if (n !== have && n !== 1) {
          throw new RangeError(`${op}: subscript "${l}" stands for dims of sizes ${have} and ${n}`);
        }
      });
    }
    const ell = [...ELLIPSIS_LABELS.slice(0, ellipsisDims)];
    const counts = new Map<string, number>();
    for (const { labels } of terms) for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    let out: string[];
    if (rhs === null) {
      out = [...ell, ...[...counts.keys()].filter((l) => !ell.includes(l) && counts.get(l) === 1).sort()];
    } else {
      const outDims = rhs.replace("...", "").length + (rhs.includes("...") ? ellipsisDims : 0);
      out = parseLabels(op, rhs, outDims, ellipsisDims, "the output");
      for (const l of out) {
        if (!size.has(l)) throw new RangeError(`${op}: output subscript "${l}" does not appear in the input`);
      }
      if (new Set(out).size !== out.length) {
        throw new RangeError(`${op}: output subscript repeated in "${rhs}"`);
      }
    }
    terms = terms.map(collapseRepeats);
    const outSet = new Set(out);
    if (terms.length === 1) {
      const t = sumOut(terms[0], outSet);
      return aligned(t, out);
    }
    let [a, b] = terms;
    // Labels only one operand has and the output lacks are summed there first.
    a = sumOut(a, new Set([...outSet, ...b.labels]));
    b = sumOut(b, new Set([...outSet, ...a.labels]));
    const inA = new Set(a.labels), inB = new Set(b.labels);
    const batch = out.filter((l) => inA.has(l) && inB.has(l));
    const contracted = a.labels.filter((l) => inB.has(l) && !outSet.has(l));
    const left = out.filter((l) => inA.has(l) && !inB.has(l));
    const right = out.filter((l) => inB.has(l) && !inA.has(l));
    const sizes = (ls: string[]) => ls.map((l) => size.get(l)!);
    const prod = (ls: string[]) => sizes(ls).reduce((p, n) => p * n, 1);
    const broadcastTo = (t: Tensor, ls: string[]) => expand(t, sizes(ls));
    const at = broadcastTo(aligned(a, [...batch, ...left, ...contracted]), [
      ...batch,
      ...left,
      ...contracted,
    ]);
    const bt = broadcastTo(aligned(b, [...batch, ...contracted, ...right]), [
      ...batch,
      ...contracted,
      ...right,
    ]);
    let res: Tensor;
    if (contracted.length === 0 && left.length === 0 && right.length === 0) res = mul(at, bt);
    else {
      const m = reshape(at, [prod(batch), prod(left), prod(contracted)]);
      const k = reshape(bt, [prod(batch), prod(contracted), prod(right)]);
      res = reshape(matmul(m, k), sizes([...batch, ...left, ...right]));
    }
    return aligned({ t: res, labels: [...batch, ...left, ...right] }, out);
  });
}

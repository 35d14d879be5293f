/**
 * @internal The special functions' rows of the derivative table (spread into
 * `src/autograd/derivatives.ts`): PyTorch 1.13's formulas, written with differentiable ops so
 * `createGraph` gives higher derivatives (polygamma's chain climbs one order per derivative).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import type { Derivative, Node } from "../autograd/node.ts";
import * as ew from "../ops/elementwise.ts";
import { runSpecial, runSpecial2 } from "./kernel.ts";
import { xlog1py, xlogy } from "./log_ops.ts";
import { lgamma } from "./gamma.ts";
import { dirichletGrad, standardGammaGrad } from "../distributions/gamma_grad.ts";

function saved(n: Node, i = 0): Tensor {
  const t = n.inputs[i];
  if (t === null || t === undefined || typeof t === "number") {
    throw new Error(`internal: the backward of ${n.op} reads input ${i}, which its row does not save`);
  }
  return t;
}
function out(n: Node): Tensor {
  if (n.output === null) {
    throw new Error(`internal: the backward of ${n.op} reads its output, which it does not save`);
  }
  return n.output;
}
function wants(n: Node, i: number): boolean {
  return n.next[i] !== null && n.next[i] !== undefined;
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** i1's and i1e's `x` away from 0 (PyTorch's eps guard: the formula's 0/0 is never evaluated). */
function safe(x: Tensor): { tiny: Tensor; x: Tensor } {
  const eps = x.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7;
  const tiny = ew.le(ew.abs(x), eps);
  return { tiny, x: ew.where(tiny, eps, x) };
}

/** The derivative of P(a, x) in x: `exp((a - 1)·log(x) - x - lgamma(a))`. */
function igammaDensity(a: Tensor, x: Tensor): Tensor {
  return ew.exp(ew.sub(ew.sub(ew.mul(ew.sub(a, 1), ew.log(x)), x), lgamma(a)));
}

function refuseA(op: string): never {
  throw new Error(`${op}: the derivative with respect to 'input' (a) is not implemented (as in PyTorch)`);
}

export const specialDerivatives = {
  lgamma: { saves: "inputs", backward: (g, n) => [ew.mul(g, runSpecial("digamma", saved(n)))] },
  digamma: { saves: "inputs", backward: (g, n) => [ew.mul(g, runSpecial("polygamma", saved(n), 1))] },
  polygamma: {
    saves: "inputs",
    backward: (g, n) => [ew.mul(g, runSpecial("polygamma", saved(n), (n.args.order as number) + 1))],
  },
  erfc: {
    saves: "inputs",
    backward: (g, n) => [ew.mul(g, ew.mul(ew.exp(ew.neg(ew.mul(saved(n), saved(n)))), -TWO_OVER_SQRT_PI))],
  },
  erfcx: {
    saves: "both",
    name: "SpecialErfcxBackward0",
    backward: (g, n) => [ew.mul(g, ew.sub(ew.mul(ew.mul(saved(n), 2), out(n)), TWO_OVER_SQRT_PI))],
  },
  i0: { saves: "inputs", backward: (g, n) => [ew.mul(g, runSpecial("i1", saved(n)))] },
  i0e: {
    saves: "both",
    name: "SpecialI0EBackward0",
    backward: (g, n) => [ew.mul(g, ew.sub(runSpecial("i1e", saved(n)), ew.mul(ew.sign(saved(n)), out(n))))],
  },
  i1: {
    saves: "both",
    name: "SpecialI1Backward0",
    backward: (g, n) => {
      const { tiny, x } = safe(saved(n));
      const d = ew.sub(runSpecial("i0", x), ew.div(out(n), x));
      return [ew.mul(g, ew.where(tiny, 0.5, d))];
    },
  },
  i1e: {
    saves: "both",
    name: "SpecialI1EBackward0",
    backward: (g, n) => {
      const { tiny, x } = safe(saved(n));
      const d = ew.sub(runSpecial("i0e", x), ew.mul(out(n), ew.add(ew.sign(x), ew.div(1, x))));
      return [ew.mul(g, ew.where(tiny, 0.5, d))];
    },
  },
  ndtri: {
    saves: "output",
    name: "SpecialNdtriBackward0",
    backward: (
      g,
      n,
    ) => [ew.mul(g, ew.mul(ew.exp(ew.mul(ew.mul(out(n), out(n)), 0.5)), Math.sqrt(2 * Math.PI)))],
  },
  logNdtr: {
    saves: "both",
    name: "SpecialLogNdtrBackward0",
    backward: (g, n) => {
      const e = ew.exp(ew.neg(ew.add(out(n), ew.mul(ew.mul(saved(n), saved(n)), 0.5))));
      return [ew.mul(g, ew.mul(e, 1 / Math.sqrt(2 * Math.PI)))];
    },
  },
  igamma: {
    saves: "inputs",
    backward: (g, n) => [
      wants(n, 0) ? refuseA("igamma") : null,
      ew.mul(g, igammaDensity(saved(n, 0), saved(n, 1))),
    ],
  },
  igammac: {
    saves: "inputs",
    backward: (g, n) => [
      wants(n, 0) ? refuseA("igammac") : null,
      ew.neg(ew.mul(g, igammaDensity(saved(n, 0), saved(n, 1)))),
    ],
  },
  // torch.special.zeta(x, q): d/dq = -x·zeta(x + 1, q); PyTorch 1.13 has no derivative in x.
  zeta: {
    saves: "inputs",
    name: "SpecialZetaBackward0",
    backward: (g, n) => {
      if (wants(n, 0)) {
        throw new Error(
          "special.zeta: the derivative for 'zeta' with respect to x is not implemented (as PyTorch 1.13)",
        );
      }
      const x = saved(n, 0), q = saved(n, 1);
      return [null, ew.mul(g, ew.neg(ew.mul(x, runSpecial2("special.zeta", "zeta", ew.add(x, 1), q))))];
    },
  },
  xlogy: {
    saves: "inputs",
    backward: (g, n) => {
      const x = saved(n, 0), y = saved(n, 1);
      return [
        wants(n, 0) ? ew.mul(g, xlogy(ew.ne(y, 0).to(y.dtype), y)) : null,
        wants(n, 1) ? ew.mul(g, ew.div(x, y)) : null,
      ];
    },
  },
  xlog1py: {
    saves: "inputs",
    name: "SpecialXlog1PyBackward0",
    backward: (g, n) => {
      const x = saved(n, 0), y = saved(n, 1);
      return [
        wants(n, 0) ? ew.mul(g, xlog1py(ew.ne(y, -1).to(y.dtype), y)) : null,
        wants(n, 1) ? ew.mul(g, ew.div(x, ew.add(y, 1))) : null,
      ];
    },
  },
  sinc: {
    saves: "inputs",
    backward: (g, n) => {
      const x = saved(n), px = ew.mul(x, Math.PI);
      const d = ew.div(ew.sub(ew.mul(px, ew.cos(px)), ew.sin(px)), ew.mul(px, x));
      return [ew.where(ew.eq(x, 0), 0, ew.mul(g, d))];
    },
  },
  entr: {
    saves: "inputs",
    name: "SpecialEntrBackward0",
    backward: (g, n) => [ew.mul(g, ew.neg(ew.add(ew.log(saved(n)), 1)))],
  },
  // torch._standard_gamma (src/distributions/gamma_grad.ts): the reparameterized gradient.
  standardGamma: {
    saves: "both",
    name: "StandardGammaBackward0",
    backward: (g, n) => [ew.mul(g, standardGammaGrad(saved(n), out(n)))],
  },
  // torch._sample_dirichlet through PyTorch's _Dirichlet function: grad·(g - Σ x·g).
  dirichletSample: {
    saves: "both",
    name: "_DirichletBackward",
    backward: (g, n) => {
      const x = out(n).detach(), alpha = saved(n).detach();
      const total = alpha.sum(-1, { keepdim: true }).expand([...alpha.shape]).contiguous();
      const grad = dirichletGrad(x, alpha, total);
      return [grad.mul(g.sub(x.mul(g).sum(-1, { keepdim: true })))];
    },
  },
} satisfies Record<string, Derivative>;

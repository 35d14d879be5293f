/**
 * The strong-Wolfe line search of {@link LBFGS} (Nocedal & Wright, Numerical Optimization,
 * algorithms 3.5 and 3.6, with minFunc's safeguards), written as a generator so one algorithm
 * serves the synchronous CPU step and the asynchronous one.
 * @module
 */
import type { Tensor } from "../tensor.ts";

/**
 * The minimizer of the cubic through `(x1, f1)` and `(x2, f2)` with slopes `g1` and `g2`, clamped
 * to `bounds` (default: the interval between the points); the middle of the bounds when the cubic
 * has no minimum.
 * @internal
 */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  // Hermite cubic: its stationary points solve a quadratic whose discriminant is d2² below. The
  // slopes are float32 values (dot products), and PyTorch computes with them as float32 tensors:
  // so does this (f rounds each operation), to take the same branches.
  const f = Math.fround;
  const d1 = f(f(g1 + g2) - f(3 * (f1 - f2) / (x1 - x2)));
  const d2Square = f(f(d1 * d1) - f(g1 * g2));
  if (!(d2Square >= 0)) return (lo + hi) / 2;
  const d2 = f(Math.sqrt(d2Square));
  const min = x1 <= x2
    ? f(f(x2) - f(f(x2 - x1) * f(f(f(g2 + d2) - d1) / f(f(g2 - g1) + f(2 * d2)))))
    : f(f(x1) - f(f(x1 - x2) * f(f(f(g1 + d2) - d1) / f(f(g1 - g2) + f(2 * d2)))));
  return Math.min(Math.max(min, lo), hi);
}

/** One evaluation along the search direction: loss, flat gradient, its slope and its max |g|. */
export interface Probe {
  /** The loss at the point. */
  f: number;
  /** The flat gradient at the point (kept alive by the caller's arena). */
  g: Tensor;
  /** The directional derivative `g·d`. */
  gtd: number;
  /** `max |g|`, for the first-order optimality test. */
  gmax: number;
}

/** The point the line search settles on, and how many evaluations it took. */
export interface LineSearchResult extends Probe {
  /** The step length. */
  t: number;
  /** Number of loss evaluations made. */
  evals: number;
}

/**
 * Strong-Wolfe line search from `start` (the loss, gradient and slope at step 0) along a
 * direction of max-norm `dNorm`, first trying step `t`. `probe(t)` evaluates the loss at
 * `x + t·d` (a sub-generator: its yields reach the driver). `sweep(live)` lets the caller free the
 * gradients no longer referenced.
 * @internal
 */
export function* strongWolfe<N>(
  probe: (t: number) => Generator<N, Probe, unknown>,
  sweep: (live: Tensor[]) => void,
  start: Probe,
  tInit: number,
  dNorm: number,
  toleranceChange: number,
  c1 = 1e-4,
  c2 = 0.9,
  maxLs = 25,
): Generator<N, LineSearchResult, unknown> {
  const { f, gtd } = start;
  // The sufficient-decrease bound and the curvature bound, in float32 as PyTorch computes them
  // (gtd is a float32 tensor there).
  const fr = Math.fround;
  const armijo = (step: number) => fr(fr(f) + fr(fr(c1 * step) * gtd));
  const curvature = fr(fr(-c2) * gtd);
  let t = tInit;
  let cur = yield* probe(t);
  let evals = 1;
  let prev: Probe = start, tPrev = 0;
  let done = false;
  let lsIter = 0;
  // Points (step, probe) of the bracket: once found, [lower-step end, other end] in the order made.
  let bracket: number[] = [], at: Probe[] = [];
  let bracketed = false;
  // Bracketing phase: grow the step until an interval must contain a point meeting the conditions.
  while (lsIter < maxLs) {
    if (cur.f > armijo(t) || (lsIter > 1 && cur.f >= prev.f)) {
      [bracket, at, bracketed] = [[tPrev, t], [prev, cur], true];
      break;
    }
    if (Math.abs(cur.gtd) <= curvature) {
      [bracket, at, done, bracketed] = [[t], [cur], true, true];
      break;
    }
    if (cur.gtd >= 0) {
      [bracket, at, bracketed] = [[tPrev, t], [prev, cur], true];
      break;
    }
    // Extrapolate: the cubic's minimizer, kept between a little beyond t and 10·t.
    const next = cubicInterpolate(tPrev, prev.f, prev.gtd, t, cur.f, cur.gtd, [
      t + 0.01 * (t - tPrev),
      t * 10,
    ]);
    tPrev = t;
    prev = cur;
    t = next;
    sweep([start.g, prev.g]);
    cur = yield* probe(t);
    evals++;
    lsIter++;
  }
  if (lsIter === maxLs || !bracketed) {
    bracket = [0, t];
    at = [start, cur];
  }
  // Zoom phase: shrink the bracket until a point meets the strong Wolfe conditions.
  let insufficientProgress = false;
  let [low, high] = at[0].f <= at[at.length - 1].f ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], at[0].f, at[0].gtd, bracket[1], at[1].f, at[1].gtd);
    // Too close to an end of the bracket twice running (or outside it): move 10% inside it.
    const bMax = Math.max(bracket[0], bracket[1]), bMin = Math.min(bracket[0], bracket[1]);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufficientProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    sweep([start.g, at[0].g, at[1].g]);
    cur = yield* probe(t);
    evals++;
    lsIter++;
    if (cur.f > armijo(t) || cur.f >= at[low].f) {
      // Armijo condition fails, or no lower than the low end: the point becomes the high end.
      bracket[high] = t;
      at[high] = cur;
      [low, high] = at[0].f <= at[1].f ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(cur.gtd) <= curvature) done = true;
      else if (cur.gtd * (bracket[high] - bracket[low]) >= 0) {
        // The old low end becomes the high end.
        bracket[high] = bracket[low];
        at[high] = at[low];
      }
      bracket[low] = t;
      at[low] = cur;
    }
  }
  return { ...at[low], t: bracket[low], evals };
}

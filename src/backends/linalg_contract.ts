/**
 * The argument checks of `Backend.luSolve`, shared by both backends (as `contract.ts` for the
 * other kernels).
 * @module
 */
import type { LdlSolveArgs, LuSolveArgs, Storage, TriangularSolveArgs } from "./backend.ts";
import { checkCount } from "./contract.ts";

/** Checks `luSolve`'s storages against its arguments; returns the right-hand side's columns. */
export function luSolveContract(a: Storage, rhs: Storage | "identity" | null, args: LuSolveArgs): number {
  const { batch, n, k } = args;
  checkCount("luSolve", "batch", batch);
  checkCount("luSolve", "n", n);
  checkCount("luSolve", "k", k);
  if (a.dtype !== "float32" && a.dtype !== "float64") {
    throw new TypeError(`luSolve: expected float32 or float64 matrices, got ${a.dtype}`);
  }
  if (a.numel !== batch * n * n) {
    throw new RangeError(
      `luSolve: ${batch} matrices of ${n}x${n} need ${batch * n * n} elements, got ${a.numel}`,
    );
  }
  const cols = rhs === "identity" ? n : rhs === null ? 0 : k;
  if (cols !== k) throw new RangeError(`luSolve: k is ${k}, expected ${cols} for this right-hand side`);
  if (rhs !== null && rhs !== "identity") {
    if (rhs.dtype !== a.dtype) throw new TypeError(`luSolve: B is ${rhs.dtype}, A is ${a.dtype}`);
    if (rhs.numel !== batch * n * k) {
      throw new RangeError(
        `luSolve: ${batch} right-hand sides of ${n}x${k} need ${batch * n * k} elements, got ${rhs.numel}`,
      );
    }
  }
  return cols;
}

/** Checks `cholesky`'s storage against its arguments. */
export function choleskyContract(a: Storage, batch: number, n: number): void {
  checkCount("cholesky", "batch", batch);
  checkCount("cholesky", "n", n);
  if (a.dtype !== "float32" && a.dtype !== "float64") {
    throw new TypeError(`cholesky: expected float32 or float64 matrices, got ${a.dtype}`);
  }
  if (a.numel !== batch * n * n) {
    throw new RangeError(
      `cholesky: ${batch} matrices of ${n}x${n} need ${batch * n * n} elements, got ${a.numel}`,
    );
  }
}

/** Checks `triangularSolve`'s storages against its arguments. */
export function triangularSolveContract(a: Storage, b: Storage, args: TriangularSolveArgs): void {
  const { batch, n, k } = args;
  checkCount("triangularSolve", "batch", batch);
  checkCount("triangularSolve", "n", n);
  checkCount("triangularSolve", "k", k);
  if (a.dtype !== "float32" && a.dtype !== "float64") {
    throw new TypeError(`triangularSolve: expected float32 or float64 matrices, got ${a.dtype}`);
  }
  if (b.dtype !== a.dtype) throw new TypeError(`triangularSolve: B is ${b.dtype}, A is ${a.dtype}`);
  if (a.numel !== batch * n * n) {
    throw new RangeError(
      `triangularSolve: ${batch} matrices of ${n}x${n} need ${batch * n * n} elements, got ${a.numel}`,
    );
  }
  if (b.numel !== batch * n * k) {
    throw new RangeError(
      `triangularSolve: ${batch} right-hand sides of ${n}x${k} need ${
        batch * n * k
      } elements, got ${b.numel}`,
    );
  }
}

/** Checks a decomposition kernel's input (`op`: geqrf, eighJacobi, svdJacobi) against its shapes. */
export function decompContract(op: string, a: Storage, batch: number, m: number, n: number): void {
  checkCount(op, "batch", batch);
  checkCount(op, "m", m);
  checkCount(op, "n", n);
  if (a.dtype !== "float32" && a.dtype !== "float64") {
    throw new TypeError(`${op}: expected float32 or float64 matrices, got ${a.dtype}`);
  }
  if (a.numel !== batch * m * n) {
    throw new RangeError(
      `${op}: ${batch} matrices of ${m}x${n} need ${batch * m * n} elements, got ${a.numel}`,
    );
  }
}

/** Checks `sytrs`'s storages (LD, pivots in LD's dtype, B) against its arguments. */
export function ldlSolveContract(ld: Storage, pivots: Storage, b: Storage, args: LdlSolveArgs): void {
  const { batch, n, k } = args;
  decompContract("sytrs", ld, batch, n, n);
  checkCount("sytrs", "k", k);
  if (pivots.dtype !== ld.dtype || b.dtype !== ld.dtype) {
    throw new TypeError(
      `sytrs: LD is ${ld.dtype}, pivots ${pivots.dtype} and B ${b.dtype}; expected one dtype`,
    );
  }
  if (pivots.numel !== batch * n) {
    throw new RangeError(
      `sytrs: ${batch} matrices of order ${n} need ${batch * n} pivots, got ${pivots.numel}`,
    );
  }
  if (b.numel !== batch * n * k) {
    throw new RangeError(
      `sytrs: ${batch} right-hand sides of ${n}x${k} need ${batch * n * k} elements, got ${b.numel}`,
    );
  }
}

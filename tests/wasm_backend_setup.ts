/**
 * Shared helpers of the CPU (wasm) backend tests (tests/wasm_backend_*_test.ts, one file per kernel
 * family): ulp and exact comparisons, the test sizes, both kernel builds (relaxed SIMD and plain
 * SIMD) and `each`, which registers a test once per build.
 */
import assert from "node:assert/strict";
import { WasmBackend } from "../src/backends/wasm/backend.ts";
import { ulp } from "./helpers.ts";
import { loadEmbeddedBuild } from "../src/backends/wasm/embedded.ts";

await loadEmbeddedBuild("simd"); // these tests run both builds of the kernels

export function sameSpecial(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return false;
}

/** Asserts |got - want| <= maxUlp ulps of want (NaN and infinities must match exactly). */
export function assertUlp(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  maxUlp: number,
  what: string,
  input?: ArrayLike<number>,
) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (sameSpecial(g, w)) continue;
    const ok = Number.isFinite(g) && Number.isFinite(w) && Math.abs(g - w) <= maxUlp * ulp(w);
    if (!ok) {
      assert.fail(
        `${what}[${i}]${input ? ` (input ${input[i]})` : ""}: got ${g}, want ${w} (${
          (Math.abs(g - w) / ulp(w)).toFixed(2)
        } ulp > ${maxUlp})`,
      );
    }
  }
}

/** Asserts |got - want| <= atol + rtol |want| elementwise (NaN/inf must match). */
export function assertClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rtol: number,
  atol: number,
  what: string,
) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (sameSpecial(g, w)) continue;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) assert.fail(`${what}[${i}]: got ${g}, want ${w}`);
  }
}

export function assertExact(got: ArrayLike<number>, want: ArrayLike<number>, what: string) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Object.is(g, w) || (g === w) || (Number.isNaN(g) && Number.isNaN(w))) continue;
    assert.fail(`${what}[${i}]: got ${g}, want ${w}`);
  }
}

export const SIZES = [1, 3, 4, 17, 33, 127, 1000];

export const VARIANTS = ["relaxed", "simd"] as const;
export const backends = VARIANTS.map((v) => new WasmBackend({ variant: v }));

export function each(name: string, fn: (b: WasmBackend) => void | Promise<void>) {
  for (const b of backends) Deno.test(`wasm ${b.variant}: ${name}`, () => fn(b));
}

export const f32 = (b: WasmBackend, xs: ArrayLike<number>) => b.fromTyped(Float32Array.from(xs), "float32");
export const i32 = (b: WasmBackend, xs: ArrayLike<number>) => b.fromTyped(Int32Array.from(xs), "int32");

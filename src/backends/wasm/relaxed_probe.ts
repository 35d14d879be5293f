/**
 * Whether the runtime has WebAssembly relaxed SIMD, which decides the build of the CPU kernels
 * (`embedded.ts` loads only that build's bytes; `loader.ts` compiles it).
 * @module
 */

/**
 * `(module (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2
 * f32x4.relaxed_madd))`: it validates exactly where relaxed SIMD is available.
 */
const RELAXED_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x08,
  0x01,
  0x60,
  0x03,
  0x7b,
  0x7b,
  0x7b,
  0x01,
  0x7b, // type: (v128 v128 v128) -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function 0 has type 0
  0x0a,
  0x0d,
  0x01,
  0x0b,
  0x00, // code: one body of 11 bytes, no locals
  0x20,
  0x00,
  0x20,
  0x01,
  0x20,
  0x02, // local.get 0, 1, 2
  0xfd,
  0x85,
  0x02, // f32x4.relaxed_madd (0xfd 261)
  0x0b, // end
]);

let relaxedSupported: boolean | undefined;

/**
 * Whether this runtime supports WebAssembly relaxed SIMD (validates a 38-byte probe module once).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { relaxedSimdSupported } from "./relaxed_probe.ts";
 * assertEquals(relaxedSimdSupported(), true); // in Deno and Bun
 * ```
 */
export function relaxedSimdSupported(): boolean {
  relaxedSupported ??= WebAssembly.validate(RELAXED_PROBE);
  return relaxedSupported;
}

/**
 * Reading a WebAssembly binary without compiling it: LEB128 integers and custom sections (the
 * loader checks which build a `.wasm` file is this way; threads patch the memory import).
 * @module
 */

/** The unsigned LEB128 integer at `at`, and the offset after it. */
export function leb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let v = 0, shift = 0, b: number;
  do {
    b = bytes[at++];
    v += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [v, at];
}

/**
 * The payload of the first custom section called `name`, or null when the binary has none (or is
 * not a wasm binary, or ends early).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { customSection } from "./wasm_bytes.ts";
 * // "\0asm", version 1, then custom section 0 of 4 bytes: name "ab" (length 2), payload [7]
 * const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 0, 4, 2, 97, 98, 7]);
 * assertEquals([...customSection(bytes, "ab")!], [7]);
 * assertEquals(customSection(bytes, "x"), null);
 * ```
 */
export function customSection(bytes: Uint8Array, name: string): Uint8Array | null {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    return null;
  }
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, body] = leb(bytes, at + 1);
    const end = body + size;
    if (end > bytes.length) return null;
    if (id === 0) {
      const [len, start] = leb(bytes, body);
      if (start + len <= end && new TextDecoder().decode(bytes.subarray(start, start + len)) === name) {
        return bytes.subarray(start + len, end);
      }
    }
    at = end;
  }
  return null;
}

/**
 * Base64 decoding for the embedded wasm modules (shared by the generated `*.generated.ts` files'
 * consumers; no dependency on `atob` so it works in every runtime).
 * @module
 */

const LOOKUP = /* @__PURE__ */ (() => {
  const t = new Uint8Array(128).fill(255);
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = i;
  return t;
})();

/** Decodes standard (padded or unpadded) base64 into bytes; throws on invalid characters. */
export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61 /* = */) end--;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0, acc = 0, bits = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : 255;
    if (v === 255) throw new Error(`decodeBase64: invalid character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return o === out.length ? out : out.subarray(0, o);
}

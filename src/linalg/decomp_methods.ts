/**
 * The decompositions that are also `Tensor` methods (src/tensor_methods/math.ts), gathered so
 * that the methods file imports one module.
 * @module
 */
export type { QR } from "./qr.ts";
export { torchQr } from "./legacy.ts";

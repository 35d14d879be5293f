/**
 * The decompositions that are also `Tensor` methods (src/tensor_methods/math.ts), gathered so
 * that the methods file imports one module.
 * @module
 */
export { type QR, torchQr } from "./qr.ts";

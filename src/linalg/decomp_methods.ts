/**
 * The decompositions that are also `Tensor` methods (src/tensor_methods/math.ts), gathered so
 * that the methods file imports one module.
 * @module
 */
export type { QR } from "./qr.ts";
export type { SignLogAbsDet } from "./solve.ts";
export { logdet, pinverse, torchLu, type TorchLu, torchQr, torchSvd, type SVDV } from "./legacy.ts";
export { matrixExp } from "./matrix_exp.ts";

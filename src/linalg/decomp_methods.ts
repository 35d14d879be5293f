/**
 * The decompositions that are also `Tensor` methods (src/tensor_methods/math.ts), gathered so
 * that the methods file imports one module.
 * @module
 */
export type { QR } from "./qr.ts";
export type { PLU } from "./lu_factor.ts";
export type { SignLogAbsDet } from "./solve.ts";
export { logdet, pinverse, type SVDV, type TorchLu, torchLu, torchQr, torchSvd } from "./legacy.ts";
export { matrixExp } from "./matrix_exp.ts";

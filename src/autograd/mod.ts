/**
 * `torch.autograd`: `grad`, `backward`, custom functions (`Function`) and `functional`.
 * @module
 */
export { backward, type BackwardOptions, grad, type GradOptions } from "./engine.ts";
export { Node } from "./node.ts";
export { AutogradFunction as Function, FunctionCtx } from "./function.ts";
export * as functional from "./functional.ts";

/**
 * `torch.autograd`: `grad` and `backward`.
 * @module
 */
export { backward, type BackwardOptions, grad, type GradOptions } from "./engine.ts";
export { Node } from "./node.ts";

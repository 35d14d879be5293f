/**
 * `torch.autograd`: `grad`, `backward`, custom functions (`Function`) and `functional`.
 *
 * Every member comes through `export *` from the file that declares it, so that the generated
 * docs (`deno doc`, JSR) list it (a named re-export inside a namespace is left out of them).
 * @module
 */
export * from "./backward.ts";
export * from "./node.ts";
export * from "./hooks.ts";
export * from "./function.ts";
export * as functional from "./functional.ts";

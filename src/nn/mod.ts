/**
 * `nn`: layers, losses and the functional API `F`.
 * @module
 */
export * as F from "./functional.ts";
export * as functional from "./functional.ts";

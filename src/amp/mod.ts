/**
 * Mixed precision (PyTorch's `torch.amp`): {@link autocast} runs the heavy ops of a float32 model
 * in float16, and {@link GradScaler} scales the loss so float16 gradients neither underflow nor
 * poison a step when they overflow.
 * @module
 */
// `export *` (not named re-exports), so that `deno doc` lists the members of `torch.amp`.
export * from "./autocast.ts";
export * from "./grad_scaler.ts";

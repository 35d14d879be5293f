/**
 * Mixed precision (PyTorch's `torch.amp`): {@link autocast} runs the heavy ops of a float32 model
 * in float16, and {@link GradScaler} scales the loss so float16 gradients neither underflow nor
 * poison a step when they overflow.
 * @module
 */
export { autocast, type AutocastOptions, isAutocastEnabled } from "./autocast.ts";
export { GradScaler, type GradScalerOptions, type GradScalerState } from "./grad_scaler.ts";

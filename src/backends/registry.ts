/**
 * Which backend serves each device. The CPU backend registers itself on import; the WebGPU
 * backend registers once `gpu.isAvailable()` has found an adapter.
 * @module
 */
import type { Backend, Device } from "./backend.ts";
import { wasmBackend } from "./wasm/backend.ts";

const backends = new Map<Device, Backend>();

/** Makes `backend` serve its device. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.device, backend);
}

/** The backend of `device`, or a clear error when it is not available here. */
export function backendFor(device: Device): Backend {
  if (device === "cpu") {
    let b = backends.get("cpu");
    if (!b) {
      b = wasmBackend();
      backends.set("cpu", b);
    }
    return b;
  }
  const b = backends.get(device);
  if (!b) {
    throw new Error(
      `device "${device}" is not available: no WebGPU backend is registered in this runtime ` +
        `(call \`await torch.gpu.isAvailable()\` first; Bun has no WebGPU, use "cpu")`,
    );
  }
  return b;
}

/** PyTorch's device strings (`"cuda"`, `"cuda:0"`, `"mps"`, ...), which edgetorch's `"gpu"` replaces. */
const TORCH_DEVICE =
  /^(cuda|mps|xpu|hip|vulkan|opengl|meta|xla|hpu|ipu|lazy|mkldnn|ort|ve|privateuseone)(:\d+)?$/i;

/**
 * @internal True when a string passed where a device or a dtype may go names a device (ours or
 * one of PyTorch's), so that `t.to("cuda")` reports a device error, not an unknown dtype.
 */
export function isDeviceName(s: string): boolean {
  return s === "cpu" || s === "gpu" || /^cpu:\d+$/.test(s) || TORCH_DEVICE.test(s);
}

/** Throws a clear error unless `d` names a device (PyTorch's names get one that says to use `"gpu"`). */
export function checkDevice(op: string, d: unknown): Device {
  if (d === "cpu" || d === "gpu") return d;
  if (typeof d === "string" && TORCH_DEVICE.test(d)) {
    throw new TypeError(
      `${op}: device ${
        JSON.stringify(d)
      } is PyTorch's name for an accelerator; edgetorch's devices are "cpu" ` +
        `and "gpu" (WebGPU, which serves every GPU): use "gpu" (after \`await torch.gpu.isAvailable()\`)`,
    );
  }
  if (typeof d === "string" && /^cpu:\d+$/.test(d)) {
    throw new TypeError(`${op}: unknown device ${JSON.stringify(d)}; use "cpu" (there is one CPU device)`);
  }
  throw new TypeError(`${op}: unknown device ${JSON.stringify(d)}; expected "cpu" or "gpu"`);
}

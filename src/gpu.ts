/**
 * The GPU device: `await gpu.isAvailable()` requests a WebGPU adapter and device once (through
 * the runtime's `navigator.gpu`) and registers the WebGPU backend for device `"gpu"`; without one
 * (Bun has no WebGPU; a machine may have no adapter) it resolves to false and {@link reason} says
 * why. Device loss is reported with `console.error` and resolves {@link lost}; WebGPU errors (a
 * kernel that fails to compile, validation errors) make the ops and reads that follow throw.
 * @module
 */
import { registerBackend } from "./backends/registry.ts";
import type { WebGPUBackend } from "./backends/webgpu/backend.ts";

/** Why the GPU is unavailable (null while it is available or not yet asked for). */
export let reason: string | null = null;

let pending: Promise<boolean> | null = null;
let backend: WebGPUBackend | null = null;
let adapterRef: GPUAdapter | null = null;
let resolveLost: (info: { reason: string; message: string }) => void = () => {};

/**
 * Resolves when the WebGPU device is lost (driver reset, GPU removed, or `destroy()`), with the
 * reason and message WebGPU gave. Never resolves while the device works.
 */
export const lost: Promise<{ reason: string; message: string }> = new Promise((resolve) => {
  resolveLost = resolve;
});

/** Limits the backend asks for: the adapter's own, where they exceed WebGPU's defaults. */
const WANTED_LIMITS = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupStorageSize",
  "maxStorageBuffersPerShaderStage",
] as const;

async function init(): Promise<boolean> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (!nav?.gpu) {
    reason = "this runtime has no WebGPU (navigator.gpu is missing; Bun and Node have none, Deno does)";
    return false;
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await nav.gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (e) {
    reason = `navigator.gpu.requestAdapter() failed: ${(e as Error)?.message ?? e}`;
    return false;
  }
  if (!adapter) {
    reason = "navigator.gpu.requestAdapter() found no adapter (no GPU or driver usable by WebGPU)";
    return false;
  }
  const requiredLimits: Record<string, number> = {};
  for (const k of WANTED_LIMITS) requiredLimits[k] = adapter.limits[k];
  // shader-f16 where offered: float16 matrix products then run in f16 (src/backends/webgpu/matmul.ts).
  const requiredFeatures: GPUFeatureName[] = adapter.features.has("shader-f16") ? ["shader-f16"] : [];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: "edgetorch" });
  } catch (e) {
    reason = `adapter.requestDevice() failed: ${(e as Error)?.message ?? e}`;
    return false;
  }
  adapterRef = adapter;
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const cpuAdapter = info.isFallbackAdapter === true ||
    /llvmpipe|lavapipe|softpipe|swiftshader/i.test(`${info.description} ${info.device} ${info.vendor}`);
  // Imported here, not at the top: the WebGPU backend and its WGSL (about 140 KB) load only
  // where a GPU is asked for.
  const { WebGPUBackend } = await import("./backends/webgpu/backend.ts");
  // SwiftShader (Chromium's software adapter) takes minutes to compile the direct matmul kernel's
  // sixteen vector accumulators to machine code: it gets the tiled kernel.
  const swiftshader = /swiftshader/i.test(`${info.description} ${info.device} ${info.architecture}`);
  const b = new WebGPUBackend(device, {
    tuning: cpuAdapter ? "cpu" : "gpu",
    ...(swiftshader ? { matmulKernel: "tiled" as const } : {}),
  });
  backend = b;
  device.lost.then((info) => {
    const message = info.message || "(no message)";
    if (info.reason !== "destroyed") {
      console.error(`edgetorch: the WebGPU device was lost (${info.reason}): ${message}`);
    }
    b.markLost(`${info.reason}: ${message}`);
    reason = `the WebGPU device was lost (${info.reason}): ${message}`;
    resolveLost({ reason: String(info.reason), message });
  });
  registerBackend(b);
  reason = null;
  return true;
}

/**
 * Whether the GPU backend is usable here. The first call requests the adapter and device and
 * registers the backend for `"gpu"`; later calls return the same answer.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as gpu from "./gpu.ts";
 * if (await gpu.isAvailable()) assertEquals(gpu.reason, null);
 * else assertEquals(typeof gpu.reason, "string"); // why not, e.g. no WebGPU in this runtime
 * ```
 */
export function isAvailable(): Promise<boolean> {
  pending ??= init();
  return pending;
}

/** The adapter's description (vendor, architecture, device, description), or null without one. */
export function adapterInfo(): {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
} | null {
  if (!adapterRef) return null;
  const i = adapterRef.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return {
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
    isFallbackAdapter: i.isFallbackAdapter ?? false,
  };
}

/** The device's limits (numbers by name, e.g. `maxStorageBufferBindingSize`), or null without one. */
export function limits(): Record<string, number> | null {
  if (!backend) return null;
  const out: Record<string, number> = {};
  const l = backend.gpu.limits as unknown as Record<string, number>;
  for (const k in l) {
    if (typeof l[k] === "number") out[k] = l[k];
  }
  return out;
}

/** The adapter's optional features (e.g. `shader-f16`), or an empty list without one. */
export function features(): string[] {
  return adapterRef ? [...adapterRef.features].sort() : [];
}

/**
 * Waits until the GPU has finished every operation issued so far (PyTorch's
 * `torch.cuda.synchronize()`): pending work is submitted, then the queue drained. Nothing is read
 * back, so this is the way to time GPU work without a transfer; it resolves at once where no GPU
 * was set up, and rejects with the error of a kernel or validation failure the work produced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const device = (await torch.gpu.isAvailable()) ? "gpu" : "cpu";
 * const x = torch.ones([256, 256], { device });
 * const y = x.matmul(x);
 * await torch.gpu.synchronize(); // y is computed, not read
 * assertEquals(await y.sum().itemAsync(), 256 ** 3);
 * ```
 */
export async function synchronize(): Promise<void> {
  if (pending === null || !(await pending) || backend === null) return;
  await backend.sync();
}

/** The registered WebGPU backend (after `isAvailable()` resolved true), for tests and benchmarks. */
export function webgpuBackend(): WebGPUBackend | null {
  return backend;
}

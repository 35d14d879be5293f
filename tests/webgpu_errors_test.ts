/**
 * WebGPU errors become thrown errors (src/backends/webgpu/errors.ts): a kernel that does not
 * compile, and a pipeline whose bindings do not match what the backend binds, make the next read
 * reject with the compiler's or WebGPU's message and every later op throw; never zeros.
 *
 * Each test uses a device of its own, so that the failure it provokes cannot reach the suite's
 * shared backend. Without a WebGPU adapter the tests are ignored.
 */
import assert from "node:assert/strict";
import * as gpu from "../src/gpu.ts";
import { WebGPUBackend } from "../src/backends/webgpu/backend.ts";
import { GpuErrors } from "../src/backends/webgpu/errors.ts";
import { PipelineCache } from "../src/backends/webgpu/pipelines.ts";

const available = Deno.env.get("EDGETORCH_TEST_NO_GPU") !== "1" && await gpu.isAvailable();
if (!available) console.log(`WebGPU: no adapter, GPU error tests skipped (${gpu.reason})`);

async function freshDevice(): Promise<GPUDevice> {
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error("no adapter");
  return await adapter.requestDevice({ label: "edgetorch error test" });
}

const opts = { ignore: !available, sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "webgpu errors: a kernel that does not compile makes the read throw the compiler's message, then every op",
  opts,
  async () => {
    const device = await freshDevice();
    try {
      const b = new WebGPUBackend(device, {
        // Valid bindings, but `exp_of` does not exist: the compiler rejects the module.
        wgslOverrides: {
          "unary": [
            "@group(0) @binding(1) var<storage, read> X: array<f32>;",
            "@group(0) @binding(2) var<storage, read_write> Y: array<f32>;",
            "@compute @workgroup_size(64) fn unary(@builtin(global_invocation_id) id: vec3u) {",
            "  Y[id.x] = exp_of(X[id.x]);",
            "}",
          ].join("\n"),
        },
      });
      const x = b.fromTyped(new Float32Array([1, 2, 3]), "float32");
      const y = b.unary("exp", x);
      await assert.rejects(
        () => b.read(y),
        (e: Error) => {
          assert.match(
            e.message,
            /^read: the GPU backend failed: WGSL kernel "unary\|[^"]*" failed to compile: 4:\d+: .*exp_of.* \(in `Y\[id\.x\] = exp_of\(X\[id\.x\]\);`\)/,
          );
          return true;
        },
      );
      // Sticky: every later op and read throws at once, with the same reason.
      assert.throws(
        () => b.unary("neg", x),
        /^Error: gpu: the GPU backend failed: WGSL kernel "unary/,
      );
      assert.throws(() => b.full("float32", 4, 1), /GPU backend failed: WGSL kernel/);
      await assert.rejects(() => b.read(x), /GPU backend failed: WGSL kernel/);
      await assert.rejects(() => b.sync(), /GPU backend failed: WGSL kernel/);
    } finally {
      device.destroy();
    }
  },
);

Deno.test(
  "webgpu errors: a validation error at submit (bindings that do not match) throws, not zeros",
  opts,
  async () => {
    const device = await freshDevice();
    try {
      const b = new WebGPUBackend(device, {
        // Compiles, but declares nothing at 1 and 2, which the backend's bind group provides.
        wgslOverrides: {
          "unary": "@compute @workgroup_size(64) fn unary() {}",
        },
      });
      const x = b.fromTyped(new Float32Array([1, 2, 3]), "float32");
      const y = b.unary("exp", x);
      await assert.rejects(
        () => b.read(y),
        /^Error: (read|gpu): the GPU backend failed: WGSL kernel "unary\|.*" declares no binding 1/,
      );
    } finally {
      device.destroy();
    }
  },
);

Deno.test(
  "webgpu errors: a working backend reads what it computed (the scopes report nothing)",
  opts,
  async () => {
    const device = await freshDevice();
    try {
      const b = new WebGPUBackend(device);
      const x = b.fromTyped(new Float32Array([1, -2, 3]), "float32");
      assert.deepEqual([...(await b.read(b.unary("neg", x)))], [-1, 2, -3]);
      await b.sync();
    } finally {
      device.destroy();
    }
  },
);

Deno.test(
  "webgpu errors: PipelineCache records a compile error once and refuses further kernels",
  opts,
  async () => {
    const device = await freshDevice();
    try {
      const errors = new GpuErrors(device);
      const cache = new PipelineCache(device, errors, { "copy": "fn copy( {" });
      cache.get("copy");
      await assert.rejects(
        () => errors.settle("test"),
        /^Error: test: the GPU backend failed: WGSL kernel "copy" failed to compile: 1:\d+: /,
      );
      assert.throws(
        () => cache.get("full"),
        /gpu kernel full: the GPU backend failed/,
      );
    } finally {
      device.destroy();
    }
  },
);

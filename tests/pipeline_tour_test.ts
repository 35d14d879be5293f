/**
 * The WebGPU pipeline tour (tests/edge/pipeline_tour.ts) on Deno's adapter: every primitive agrees
 * with the CPU backend, and the tour compiles every kernel of `wgsl/` and every entry of the
 * expression tables, so that running it in headless Chromium (`deno task edge:browser`) validates
 * all the WGSL with Chromium's stricter compiler.
 */
import assert from "node:assert/strict";
import * as gpu from "../src/gpu.ts";
import { WasmBackend } from "../src/backends/wasm/backend.ts";
import { WebGPUBackend } from "../src/backends/webgpu/backend.ts";
import { KERNEL_FEATURES, KERNELS } from "../src/backends/webgpu/kernels.generated.ts";
import {
  ARG_EXPR,
  ARITHMETIC_EXPR,
  castBody,
  COMPARISON_EXPR,
  REDUCE_EXPR,
  UNARY_EXPR,
} from "../src/backends/webgpu/pipelines.ts";
import type { DType } from "../src/dtype.ts";
import { pipelineTour } from "./edge/pipeline_tour.ts";

const available = Deno.env.get("EDGETORCH_TEST_NO_GPU") !== "1" && await gpu.isAvailable();
if (!available) console.log(`WebGPU: no adapter, pipeline tour skipped (${gpu.reason})`);

Deno.test({
  name: "pipeline tour: every kernel and expression compiles and agrees with the CPU",
  ignore: !available,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const device = gpu.webgpuBackend()!.gpu;
    // Both tunings: the direct and tiled matmul kernels, both reduction/softmax workgroup sizes.
    const gpus = [new WebGPUBackend(device, { tuning: "cpu" }), new WebGPUBackend(device, { tuning: "gpu" })];
    const { checks, failures, keys } = await pipelineTour(new WasmBackend(), gpus);
    assert.deepEqual(failures, []);
    assert.ok(checks > 700, `only ${checks} checks`);

    const names = new Set(keys.map((k) => k.split("|")[0]));
    // Kernels that need a device feature (the f16 kernels: shader-f16) only where the device has it.
    const usable = (k: string) =>
      (KERNEL_FEATURES[k] ?? []).every((f) => device.features.has(f as GPUFeatureName));
    assert.deepEqual(
      Object.keys(KERNELS).filter((k) => usable(k) && !names.has(k)),
      [],
      "kernels the tour never compiled",
    );
    assert.deepEqual(
      Object.keys(KERNELS).filter((k) => !usable(k) && names.has(k)),
      [],
      "kernels the device lacks",
    );
    const all = keys.join("\n");
    const expressions: string[] = [];
    for (
      const table of [UNARY_EXPR.float32, UNARY_EXPR.int32, ARITHMETIC_EXPR.float32, ARITHMETIC_EXPR.int32]
    ) {
      expressions.push(...Object.values(table).map((e) => `EXPR=${e}`));
    }
    for (const table of [COMPARISON_EXPR.float32, COMPARISON_EXPR.int32]) {
      expressions.push(...Object.values(table).map((e) => `EXPR=${e}`));
    }
    for (const t of Object.values(REDUCE_EXPR)) {
      expressions.push(...Object.values(t).map((e) => `COMBINE=${e.combine}`));
    }
    for (const t of Object.values(ARG_EXPR)) {
      expressions.push(...Object.values(t).map((e) => `BEATS=${e.beats}`));
    }
    const dtypes: DType[] = ["float32", "int32", "float16", "uint8", "bool"];
    for (const from of dtypes) for (const to of dtypes) expressions.push(`CONV=${castBody(from, to)}`);
    assert.deepEqual(expressions.filter((e) => !all.includes(e)), [], "expressions the tour never compiled");
  },
});

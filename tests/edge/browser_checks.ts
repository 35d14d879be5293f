/**
 * The page module of `deno task edge:browser` (bundled by tools/edge/browser.ts): the scenario on
 * the CPU and, through Chromium's WebGPU, on the GPU; Chromium's WGSL compiler (Tint) validating
 * every kernel the tour compiled in Deno (`/specs.json`); then the pipeline tour itself, which
 * builds and runs the pipelines and compares each GPU primitive with the CPU. Posts the results
 * as JSON to `/results` on the page's server.
 * @module
 */
import * as torch from "../../mod.ts";
import { WasmBackend } from "../../src/backends/wasm/backend.ts";
import { WebGPUBackend } from "../../src/backends/webgpu/backend.ts";
import { kernelSource } from "../../src/backends/webgpu/pipelines.ts";
import { KERNEL_FEATURES } from "../../src/backends/webgpu/kernels.generated.ts";
import { pipelineTour, type TourResult } from "./pipeline_tour.ts";
import { runScenario, type ScenarioResult } from "./scenario.ts";

/** What the page reports. */
export interface BrowserReport {
  userAgent: string;
  cpu?: ScenarioResult | { error: string };
  gpu?: ScenarioResult | { error: string };
  gpuReason?: string | null;
  adapter?: unknown;
  /** Kernels Chromium's compiler validated, and its errors (`kernel: line:col message`). */
  validated?: number;
  /** Kernels of Deno's tour left out: they need a device feature Chromium's device lacks. */
  skipped?: number;
  /** The device's features (`shader-f16` decides whether the f16 kernels run). */
  features?: string[];
  invalid?: string[];
  tour?: TourResult | { error: string };
  tourMs?: number;
  error?: string;
}

const failed = (e: unknown) => ({ error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });

const t0 = performance.now();
/** Tells the server how far the page got (printed as it runs). */
async function progress(what: string): Promise<void> {
  await fetch("/progress", {
    method: "POST",
    body: `${((performance.now() - t0) / 1000).toFixed(1)} s: ${what}`,
  });
}

const report: BrowserReport = { userAgent: navigator.userAgent };
try {
  report.cpu = await runScenario(torch, "cpu").catch(failed);
  await progress("CPU scenario done");
  if (await torch.gpu.isAvailable()) {
    report.adapter = torch.gpu.adapterInfo();
    report.gpu = await runScenario(torch, "gpu").catch(failed);
    await progress("WebGPU scenario done");
    const device = torch.gpu.webgpuBackend()!.gpu;
    report.features = [...device.features].sort();
    const all: { name: string; subs: Record<string, string> }[] = await (await fetch("/specs.json")).json();
    // Kernels that need a feature this device lacks (the f16 kernels without shader-f16) are never
    // compiled on it: Deno's device may have had it.
    const specs = all.filter(({ name }) =>
      (KERNEL_FEATURES[name] ?? []).every((f) => device.features.has(f as GPUFeatureName))
    );
    report.skipped = all.length - specs.length;
    report.invalid = [];
    for (const { name, subs } of specs) {
      const code = kernelSource(name, subs);
      device.pushErrorScope("validation");
      const module = device.createShaderModule({ code });
      const [info, error] = await Promise.all([module.getCompilationInfo(), device.popErrorScope()]);
      for (const m of info.messages.filter((m) => m.type === "error")) {
        report.invalid.push(
          `${name} ${JSON.stringify(subs).slice(0, 120)}: ${m.lineNum}:${m.linePos} ${m.message}`,
        );
      }
      if (error && info.messages.length === 0) report.invalid.push(`${name}: ${error.message}`);
    }
    report.validated = specs.length;
    await progress(`Tint validated ${specs.length} kernels`);
    const t0 = performance.now();
    // The direct matmul kernel (validated above) is left out: SwiftShader takes minutes to turn it
    // into machine code (gpu.ts gives SwiftShader the tiled kernel).
    report.tour = await pipelineTour(new WasmBackend(), [
      new WebGPUBackend(device, { tuning: "cpu", matmulKernel: "tiled" }),
      new WebGPUBackend(device, { tuning: "gpu" }),
    ]).catch(failed);
    report.tourMs = performance.now() - t0;
  } else {
    report.gpuReason = torch.gpu.reason;
  }
} catch (e) {
  report.error = failed(e).error;
}
await fetch("/results", { method: "POST", body: JSON.stringify(report) });

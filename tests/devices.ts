/**
 * The devices the op and autograd suite runs on, determined once: `"cpu"` always, plus `"gpu"`
 * when `await torch.gpu.isAvailable()` finds a WebGPU adapter (in CI, Deno's software adapter,
 * Mesa llvmpipe). `deviceTest(name, fn)` registers `[cpu] name` and `[gpu] name` from one test
 * body, so no test has a per-backend copy.
 *
 * Without an adapter this module prints "WebGPU: no adapter (<reason>) — GPU tests skipped" and
 * registers the `[gpu]` variants with `ignore: true`: the runner reports them as ignored, never as
 * passed. Set EDGETORCH_TEST_NO_GPU=1 to take that path on a machine that has an adapter.
 */
import * as torch from "../mod.ts";
import type { Device } from "../mod.ts";

function envNoGpu(): boolean {
  try {
    return Deno.env.get("EDGETORCH_TEST_NO_GPU") === "1";
  } catch {
    return false;
  }
}

const noGpuByEnv = envNoGpu();
/** True when the WebGPU backend is registered and the `[gpu]` variants run. */
export const gpuAvailable: boolean = !noGpuByEnv && await torch.gpu.isAvailable();
/** Why the GPU variants are skipped (null when they run). */
export const gpuSkipReason: string | null = gpuAvailable
  ? null
  : noGpuByEnv
  ? "EDGETORCH_TEST_NO_GPU=1"
  : (torch.gpu.reason ?? "unknown reason");

// One line per test process (every test module imports this one module instance).
if (!gpuAvailable) console.log(`WebGPU: no adapter (${gpuSkipReason}) — GPU tests skipped`);

/** Every device of the suite, in order; the GPU appears even when it is skipped (its tests are ignored). */
export const ALL_DEVICES: readonly Device[] = ["cpu", "gpu"];
/** The devices whose tests run here. */
export const DEVICES: readonly Device[] = gpuAvailable ? ["cpu", "gpu"] : ["cpu"];

/** Options of {@link deviceTest}: Deno.test's, per device where it matters. */
export interface DeviceTestOptions {
  /** Devices to register the test for (default: both). */
  devices?: readonly Device[];
  /** Ignore the test on every device (e.g. a known failure documented at the call site). */
  ignore?: boolean;
  /** Run only this test. */
  only?: boolean;
}

/**
 * Registers `[cpu] name` and `[gpu] name`, each calling `fn(device)`. The GPU variant is ignored
 * when no adapter exists. GPU tests do not check for leaked async ops or resources: Deno's WebGPU
 * keeps device-level promises (queue polling, `device.lost`) alive across tests.
 */
export function deviceTest(
  name: string,
  fn: (device: Device) => Promise<void> | void,
  opts: DeviceTestOptions = {},
): void {
  for (const device of opts.devices ?? ALL_DEVICES) {
    const onGpu = device !== "cpu";
    Deno.test({
      name: `[${device}] ${name}`,
      ignore: opts.ignore || (onGpu && !gpuAvailable),
      only: opts.only,
      sanitizeOps: !onGpu,
      sanitizeResources: !onGpu,
      fn: () => fn(device),
    });
  }
}

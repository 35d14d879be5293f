/**
 * Reproducibility settings: useDeterministicAlgorithms (GPU float scatter-add refused or warned
 * about; CPU kernels bit-identical run to run), the debug mode, float32 matmul precision.
 */
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { F } from "../src/nn/mod.ts";
import { assert, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

function bits(t: Tensor): number[] {
  return Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
}

/** Runs `fn` three times from the same seed and returns the bits of each run's outputs. */
function runs(fn: () => Tensor[]): number[][][] {
  return [0, 1, 2].map(() => {
    torch.manualSeed(7);
    return fn().map(bits);
  });
}

Deno.test("CPU kernels are deterministic: scatter-add, index-add, index-put accumulate, backward passes, matmul, conv, repeated bit for bit", () => {
  torch.useDeterministicAlgorithms(true);
  try {
    const results = runs(() => {
      const src = torch.randn(4000);
      const idx = torch.randint(0, 7, [4000]);
      const sa = torch.zeros(7).scatterAdd(0, idx, src);
      const ia = torch.zeros(7, 3).indexAdd(0, torch.randint(0, 7, [500]), torch.randn(500, 3));
      const ip = torch.zeros(7).indexPut([idx], src, { accumulate: true });
      const w = torch.randn(10, 4, { requiresGrad: true });
      const ids = torch.randint(0, 10, [300]);
      F.embedding(ids, w).pow(2).sum().backward();
      const x = torch.randn(6, 50, { requiresGrad: true });
      x.gather(1, torch.randint(0, 50, [6, 400])).mul(torch.randn(6, 400)).sum().backward();
      const img = torch.randn(2, 3, 16, 16, { requiresGrad: true });
      F.maxPool2d(F.conv2d(img, torch.randn(4, 3, 3, 3)), 2).sum().backward();
      const mm = torch.randn(64, 200).matmul(torch.randn(200, 32));
      return [sa, ia, ip, w.grad!, x.grad!, img.grad!, mm, torch.randn(10000).sum()];
    });
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[2], results[0]);
  } finally {
    torch.useDeterministicAlgorithms(false);
  }
});

deviceTest(
  "useDeterministicAlgorithms: the GPU's float scatter-add throws (or warns with warnOnly); integer adds and the CPU run",
  async (device) => {
    const src = torch.tensor([1, 2, 3, 4], { device, dtype: "float32" });
    const idx = torch.tensor([0, 1, 0, 1], { device });
    const expectF = [4, 6];
    try {
      torch.useDeterministicAlgorithms(true);
      const run = () => torch.zeros(2, { device }).scatterAdd(0, idx, src);
      const runIndexAdd = () => torch.zeros(2, { device }).indexAdd(0, idx, src);
      const runGatherBackward = () => {
        const x = torch.ones(2, { device, requiresGrad: true });
        x.gather(0, idx).sum().backward();
        return x.grad!;
      };
      if (device === "cpu") {
        assert.deepEqual(run().toArray(), expectF);
        assert.deepEqual(runIndexAdd().toArray(), expectF);
        assert.deepEqual(runGatherBackward().toArray(), [2, 2]);
      } else {
        assertThrowsMsg(
          run,
          /scatterAdd on the GPU \(float scatter-add with atomics.*\) does not have a deterministic implementation, but you set torch.useDeterministicAlgorithms\(true\)/,
        );
        assertThrowsMsg(runIndexAdd, /indexAdd on the GPU .* does not have a deterministic implementation/);
        assertThrowsMsg(
          runGatherBackward,
          /scatterAdd on the GPU .* does not have a deterministic implementation/,
        );
        const ints = torch.zeros(2, { device, dtype: "int32" }).scatterAdd(0, idx, src.int());
        assert.deepEqual(await ints.toArrayAsync(), expectF);
        const warned: string[] = [];
        const warn = console.warn;
        console.warn = (m: string) => warned.push(m);
        try {
          torch.useDeterministicAlgorithms(true, { warnOnly: true });
          assert.deepEqual(await run().toArrayAsync(), expectF);
        } finally {
          console.warn = warn;
        }
        assert.equal(warned.length, 1);
        assert.match(
          warned[0],
          /^Warning: scatterAdd on the GPU .* does not have a deterministic implementation/,
        );
      }
      torch.useDeterministicAlgorithms(false);
      assert.deepEqual(await run().toArrayAsync(), expectF);
    } finally {
      torch.useDeterministicAlgorithms(false);
    }
  },
);

Deno.test("deterministic debug mode and flags: PyTorch's mapping and errors", () => {
  try {
    assert.deepEqual(
      [
        torch.areDeterministicAlgorithmsEnabled(),
        torch.isDeterministicAlgorithmsWarnOnlyEnabled(),
        torch.getDeterministicDebugMode(),
      ],
      [false, false, 0],
    );
    torch.useDeterministicAlgorithms(true, { warnOnly: true });
    assert.deepEqual([torch.areDeterministicAlgorithmsEnabled(), torch.getDeterministicDebugMode()], [
      true,
      1,
    ]);
    torch.useDeterministicAlgorithms(true);
    assert.deepEqual([torch.isDeterministicAlgorithmsWarnOnlyEnabled(), torch.getDeterministicDebugMode()], [
      false,
      2,
    ]);
    for (const [mode, want] of [["default", 0], ["warn", 1], ["error", 2], [0, 0], [1, 1], [2, 2]] as const) {
      torch.setDeterministicDebugMode(mode);
      assert.equal(torch.getDeterministicDebugMode(), want, String(mode));
    }
    assertThrowsMsg(
      () => torch.setDeterministicDebugMode("x" as never),
      /expected one of "default", "warn", "error", but got "x"/,
    );
    assertThrowsMsg(() => torch.setDeterministicDebugMode(3 as never), /expected 0, 1, or 2, but got 3/);
    assertThrowsMsg(
      () => torch.useDeterministicAlgorithms(1 as never),
      /expected a boolean mode, got number/,
    );
    assertThrowsMsg(
      () => torch.useDeterministicAlgorithms(true, { warnOnly: "yes" as never }),
      /warnOnly must be a boolean/,
    );
    assert.equal(torch.getDeterministicDebugMode(), 2); // a refused call changes nothing
  } finally {
    torch.useDeterministicAlgorithms(false);
  }
});

Deno.test("float32 matmul precision: recorded and validated; products are full float32 at every setting", () => {
  const a = torch.randn(16, 300), b = torch.randn(300, 8);
  const ref = bits(a.matmul(b));
  try {
    for (const p of ["high", "medium", "highest"] as const) {
      torch.setFloat32MatmulPrecision(p);
      assert.equal(torch.getFloat32MatmulPrecision(), p);
      assert.deepEqual(bits(a.matmul(b)), ref, p);
    }
    assertThrowsMsg(
      () => torch.setFloat32MatmulPrecision("low" as never),
      /expected "highest", "high" or "medium", got "low"/,
    );
    assert.equal(torch.getFloat32MatmulPrecision(), "highest");
  } finally {
    torch.setFloat32MatmulPrecision("highest");
  }
});

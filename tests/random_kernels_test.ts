/**
 * The WebAssembly Box-Muller (`box_muller_avx2_f32` in the CPU kernels, assembly/random.ts, reached
 * through src/random_kernels.ts) against the JavaScript it replaces (src/random_float_math.ts): the
 * same float32 bits for every uniform the generator can produce near the branch points (u = 0, the
 * largest u, the log's octave edges, theta's octant edges), for the means and deviations `normal_`
 * and the initialisers pass, and for fills that span several chunks of the kernels' scratch block.
 * PyTorch's own values are checked through both paths by tests/random_test.ts.
 */
import * as torch from "../mod.ts";
import { boxMuller16Avx2 } from "../src/random_float_math.ts";
import { boxMullerAvx2Wasm, randomKernelsAvailable, setRandomKernelsEnabled } from "../src/random_kernels.ts";
import { assert } from "./helpers.ts";

torch.zeros(1); // starts the default CPU backend, which installs the kernel

/** Indices where a and b differ bitwise (first few). */
function bitDiffs(a: Float32Array, b: Float32Array): number[] {
  const ai = new Int32Array(a.buffer, a.byteOffset, a.length);
  const bi = new Int32Array(b.buffer, b.byteOffset, b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length && out.length < 5; i++) if (ai[i] !== bi[i]) out.push(i);
  return out;
}

/** Uniforms on the generator's grid (multiples of 2^-24 in [0, 1)), with the edge cases first. */
function uniforms(n: number, seed: number): Float32Array {
  const edges = [0, 1 - 2 ** -24, 0.5, 0.5 - 2 ** -24, 0.25, 0.125, 1 / 8 - 2 ** -24, 3 / 8, 5 / 8, 7 / 8];
  const g = new torch.Generator(seed);
  const u = g.uniformFill(new Float32Array(n), 0, 1);
  edges.forEach((v, i) => {
    if (i < n) u[i] = v;
    if (i + 8 < n) u[i + 8] = edges[(i + 3) % edges.length]; // the angle side of each pair too
  });
  return u;
}

Deno.test("random kernels: the WebAssembly Box-Muller equals the JavaScript bit for bit", () => {
  assert.ok(randomKernelsAvailable(), "the default CPU backend installed the kernel");
  const f = Math.fround;
  for (const [mean, std] of [[0, 1], [0, f(0.02)], [0.5, 2], [-3, f(0.1)], [f(1e-3), f(1e4)], [0, 0]]) {
    for (const n of [16, 64, 4096]) {
      const u = uniforms(n, n + 7);
      const js = u.slice();
      for (let i = 0; i < n; i += 16) boxMuller16Avx2(js, i, mean, std);
      const wasm = u.slice();
      assert.ok(boxMullerAvx2Wasm(wasm, mean, std), "the WebAssembly path ran");
      assert.deepEqual(bitDiffs(wasm, js), [], `mean ${mean}, std ${std}, n ${n}: differing indices`);
    }
  }
});

Deno.test("random kernels: fills longer than the scratch block, odd lengths and both paths agree", () => {
  for (const n of [16, 17, 31, 1000, 16_400, 40_000]) {
    const viaWasm = new torch.Generator(11).normalFill(new Float32Array(n), 0.25, 3);
    const before = setRandomKernelsEnabled(false);
    let viaJs: Float32Array;
    try {
      assert.equal(randomKernelsAvailable(), false);
      viaJs = new torch.Generator(11).normalFill(new Float32Array(n), 0.25, 3);
    } finally {
      setRandomKernelsEnabled(before);
    }
    assert.deepEqual(bitDiffs(viaWasm, viaJs), [], `normalFill of ${n}`);
  }
});

Deno.test("random kernels: a length that is not a multiple of 16 is refused, leaving the values untouched", () => {
  const d = new Float32Array(20).fill(0.5);
  assert.equal(boxMullerAvx2Wasm(d, 0, 1), false);
  assert.ok(d.every((v) => v === 0.5));
});

Deno.test("random kernels: randn in a fresh process starts the CPU backend first, so its first draw runs in WebAssembly", async () => {
  const code = `
    import * as torch from "${new URL("../mod.ts", import.meta.url).href}";
    import { randomKernelsAvailable } from "${new URL("../src/random_kernels.ts", import.meta.url).href}";
    const before = randomKernelsAvailable();
    torch.manualSeed(3);
    const x = torch.randn(64);
    console.log(JSON.stringify({ before, after: randomKernelsAvailable(), first: x.dataSync()[0] }));
  `;
  const out = await new Deno.Command(Deno.execPath(), { args: ["eval", "--ext=ts", code], stdout: "piped" })
    .output();
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.deepEqual([r.before, r.after], [false, true]);
  torch.manualSeed(3);
  assert.equal(r.first, torch.randn(64).dataSync()[0], "the same value as in this process");
});

Deno.test("random kernels: uniformFill in WebAssembly equals the JavaScript, and leaves the generator in the same state", () => {
  const f = Math.fround;
  // (from, to) pairs for the four paths: plain, fused with lo = 0, fused, unfused (default capability).
  const ranges: [number, number][] = [[0, 1], [0, 0.5], [-f(0.0357), f(0.0357)], [2, 7]];
  for (const capability of ["avx2", "default"] as const) {
    for (const [from, to] of ranges) {
      // Lengths below and above the 64-value threshold, across twists (624) and scratch chunks.
      for (const [skip, n] of [[0, 64], [5, 700], [600, 1300], [0, 9000]]) {
        const draw = (wasm: boolean) => {
          const before = setRandomKernelsEnabled(wasm);
          try {
            const g = new torch.Generator(42);
            g.capability = capability;
            g.uniformFill(new Float32Array(skip), 0, 1); // start mid-state
            const out = g.uniformFill(new Float32Array(n), from, to);
            return { out, next: g.uniformFill(new Float32Array(70), 0, 1) };
          } finally {
            setRandomKernelsEnabled(before);
          }
        };
        const viaWasm = draw(true), viaJs = draw(false);
        const where = `${capability} [${from}, ${to}) skip ${skip} n ${n}`;
        assert.deepEqual(bitDiffs(viaWasm.out, viaJs.out), [], where);
        assert.deepEqual(bitDiffs(viaWasm.next, viaJs.next), [], `${where}: the draws after`);
      }
    }
  }
});

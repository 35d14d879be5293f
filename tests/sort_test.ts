/**
 * Sorting beyond the golden fixtures (tests/ops_golden_test.ts): long rows of every padded size
 * against a JS reference on both backends (the GPU's bitonic network pads rows to a power of two),
 * ties, gradient names and errors. Gradients by finite differences are in tests/gradcheck_test.ts.
 */
import * as torch from "../mod.ts";
import { assert, assertArrayAsync, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

/** The stable argsort of `v` (NaN as the largest value), in JS. */
function referenceArgsort(v: number[], descending: boolean): number[] {
  const rank = (x: number) => (Number.isNaN(x) ? Infinity : x);
  const idx = v.map((_, i) => i);
  return idx.sort((a, b) => {
    const [x, y] = [v[a], v[b]];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      const nx = Number.isNaN(x) ? 1 : 0, ny = Number.isNaN(y) ? 1 : 0;
      if (nx !== ny) return descending ? ny - nx : nx - ny;
      return a - b;
    }
    const d = descending ? rank(y) - rank(x) : rank(x) - rank(y);
    return d !== 0 ? d : a - b;
  });
}

deviceTest("argsort matches a stable JS sort for rows of many lengths, with ties and NaN", async (device) => {
  torch.manualSeed(7);
  for (const len of [1, 2, 3, 8, 17, 255, 1000, 4097]) {
    const rows = 3;
    const vals = torch.randint(-20, 20, [rows, len]).float().dataSync();
    for (let i = 0; i < vals.length; i += 97) vals[i] = NaN;
    const x = torch.tensor(vals, { device }).reshape(rows, len);
    for (const descending of [false, true]) {
      const got = await x.argsort({ descending }).toArrayAsync() as number[][];
      for (let r = 0; r < rows; r++) {
        const want = referenceArgsort(Array.from(vals.subarray(r * len, (r + 1) * len)), descending);
        assert.deepEqual(got[r], want, `len ${len} row ${r} descending ${descending}`);
      }
    }
  }
});

deviceTest(
  "sort and topk record SortBackward0 / TopkBackward0 and route gradients to the sources",
  async (device) => {
    const x = torch.tensor([[0.5, -1, 2], [3, 0, 1]], { dtype: "float32", device, requiresGrad: true });
    const s = x.sort(1, { descending: true });
    assert.equal(s.values.gradFn?.name, "SortBackward0");
    assert.equal(s.indices.requiresGrad, false);
    const t = x.topk(1);
    assert.equal(t.values.gradFn?.name, "TopkBackward0");
    s.values.index(":", 0).sum().add(t.values.sum().mul(10)).backward();
    await assertArrayAsync(x.grad!, [[0, 0, 11], [11, 0, 0]]);
  },
);

deviceTest("sort keeps the dtype; indices are int32 and contiguous", async (device) => {
  const x = torch.tensor([[3, 1], [2, 5]], { device });
  const { values, indices } = x.sort(0);
  assert.equal(values.dtype, "int32");
  assert.equal(indices.dtype, "int32");
  assert.ok(indices.isContiguous());
  await assertArrayAsync(values, [[2, 1], [3, 5]]);
  await assertArrayAsync(indices, [[1, 0], [0, 1]]);
});

Deno.test("sort, argsort and topk: bad input gets a clear message", () => {
  const x = torch.zeros(2, 3);
  assertThrowsMsg(
    () => x.topk(4),
    /topk: k \(4\) must be an integer in \[0, 3\], the size of dim 1 of shape \[2, 3\]/,
  );
  assertThrowsMsg(() => x.topk(-1), /topk: k \(-1\) must be an integer/);
  assertThrowsMsg(() => x.topk(1.5, 0), /topk: k \(1.5\) must be an integer in \[0, 2\]/);
  assertThrowsMsg(
    () => x.sort(2),
    /sort: dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/,
  );
  assertThrowsMsg(() => x.argsort({ dim: -3 }), /argsort: dimension out of range/);
});

/**
 * Odds and ends a porting user reaches for, against PyTorch 1.13 (tools/fixtures/extras_fixtures.py ->
 * tests/fixtures/extras.json): torch.finfo / torch.iinfo.
 */
import * as torch from "../mod.ts";
import { formatG6 } from "../src/dtype_info.ts";
import { assert, assertThrowsMsg } from "./helpers.ts";

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/extras.json", import.meta.url)));

Deno.test("finfo: every field and the repr equal PyTorch's, for float32, float64, float16; default dtype", () => {
  for (const dtype of ["float32", "float64", "float16"] as const) {
    const f = torch.finfo(dtype);
    const want = fx.finfo[dtype];
    assert.deepEqual(
      [f.bits, f.eps, f.max, f.min, f.tiny, f.smallestNormal, f.resolution, f.dtype, String(f)],
      [
        want.bits,
        want.eps,
        want.max,
        want.min,
        want.tiny,
        want.smallestNormal,
        want.resolution,
        dtype,
        want.repr,
      ],
      dtype,
    );
    assert.ok(Object.isFrozen(f));
  }
  // eps is the gap above 1 in the dtype itself; max is the largest finite value it holds.
  assert.equal(Math.fround(1 + torch.finfo("float32").eps) > 1, true);
  assert.equal(Math.fround(1 + torch.finfo("float32").eps / 2), 1);
  assert.equal(torch.tensor([torch.finfo("float16").max], { dtype: "float16" }).item(), 65504);
  assert.equal(Math.fround(torch.finfo("float32").max), torch.finfo("float32").max);
  assert.equal(torch.finfo(), torch.finfo("float32"));
  torch.setDefaultDtype("float64");
  try {
    assert.equal(torch.finfo().dtype, "float64");
  } finally {
    torch.setDefaultDtype("float32");
  }
  assertThrowsMsg(
    () => torch.finfo("int32"),
    /finfo: requires a floating point dtype .* got int32; use torch.iinfo/,
  );
  assertThrowsMsg(() => torch.finfo("bool"), /finfo: requires a floating point dtype/);
  assertThrowsMsg(
    () => torch.finfo("float128" as never),
    /finfo: expected a dtype \(float32, .*\), got "float128"/,
  );
});

Deno.test("iinfo: bits, max, min, repr equal PyTorch's for int32 and uint8; floats and bool refused", () => {
  for (const dtype of ["int32", "uint8"] as const) {
    const i = torch.iinfo(dtype);
    const want = fx.iinfo[dtype];
    assert.deepEqual([i.bits, i.max, i.min, i.dtype, String(i)], [
      want.bits,
      want.max,
      want.min,
      dtype,
      want.repr,
    ]);
  }
  assert.equal(torch.tensor([torch.iinfo("int32").max]).item(), 2147483647);
  assertThrowsMsg(
    () => torch.iinfo("float32"),
    /iinfo: requires an integer dtype \(int32, uint8\), got float32; use torch.finfo/,
  );
  assertThrowsMsg(() => torch.iinfo("bool"), /iinfo: bool is not supported by torch.iinfo/);
});

Deno.test("formatG6 is Python's %g (ties to even on the exact binary value)", () => {
  const cases: [number, string][] = [
    [0.0009765625, "0.000976562"],
    [123456.5, "123456"],
    [999999.5, "1e+06"],
    [1234565, "1.23456e+06"],
    [-2147483648, "-2.14748e+09"],
    [1e-5, "1e-05"],
    [0.0001, "0.0001"],
    [100000, "100000"],
    [0, "0"],
  ];
  for (const [v, s] of cases) assert.equal(formatG6(v), s, String(v));
});

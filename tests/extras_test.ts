/**
 * Odds and ends a porting user reaches for, against PyTorch 1.13 (tools/fixtures/extras_fixtures.py ->
 * tests/fixtures/extras.json): torch.finfo / torch.iinfo.
 */
import * as torch from "../mod.ts";
import { formatG6 } from "../src/dtype_info.ts";
import { assert, assertThrowsMsg, fixtureTensor } from "./helpers.ts";

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

Deno.test("setPrintoptions: str(tensor) equals PyTorch's under precision, threshold, edgeitems, linewidth, sciMode, profiles", () => {
  try {
    for (const c of fx.print) {
      torch.setPrintoptions({ profile: "default" });
      torch.setPrintoptions(c.opts);
      const x = fixtureTensor(c.x);
      if (c.requiresGrad) x.requiresGrad_(true);
      assert.equal(String(x), c.str, c.name);
    }
  } finally {
    torch.setPrintoptions({ profile: "default" });
  }
  assert.deepEqual(torch.getPrintoptions(), {
    precision: 4,
    threshold: 1000,
    edgeitems: 3,
    linewidth: 80,
    sciMode: null,
  });
});

Deno.test("setPrintoptions: sciMode resets on every call (as PyTorch); profile then overrides; printoptions scopes; bad values", async () => {
  const x = torch.tensor([0.5, 12.25]);
  try {
    torch.setPrintoptions({ sciMode: true });
    assert.equal(String(x), "tensor([5.0000e-01, 1.2250e+01])");
    torch.setPrintoptions({ precision: 2 }); // no sciMode: back to choosing it
    assert.equal(String(x), "tensor([ 0.50, 12.25])");
    torch.setPrintoptions({ profile: "full", threshold: 4 });
    assert.deepEqual(torch.getPrintoptions(), {
      precision: 4,
      threshold: 4,
      edgeitems: 3,
      linewidth: 80,
      sciMode: null,
    });
    const saved = torch.getPrintoptions();
    torch.setPrintoptions({ profile: "short" });
    torch.setPrintoptions(saved);
    assert.deepEqual(torch.getPrintoptions(), saved);
  } finally {
    torch.setPrintoptions({ profile: "default" });
  }
  assert.equal(torch.printoptions({ precision: 1 }, () => String(x)), "tensor([ 0.5, 12.2])");
  assert.equal(String(x), "tensor([ 0.5000, 12.2500])");
  const s = await torch.printoptions({ precision: 0 }, async () => {
    await Promise.resolve();
    return String(x);
  });
  assert.equal(s, "tensor([ 0, 12])");
  assert.equal(torch.getPrintoptions().precision, 4);
  assert.throws(() =>
    torch.printoptions({ precision: 1 }, () => {
      throw new Error("boom");
    }), /boom/);
  assert.equal(torch.getPrintoptions().precision, 4);
  assertThrowsMsg(
    () => torch.setPrintoptions({ precision: -1 }),
    /setPrintoptions: precision must be an integer in \[0, 100\], got -1/,
  );
  assertThrowsMsg(
    () => torch.setPrintoptions({ linewidth: 0 }),
    /linewidth must be a positive integer, got 0/,
  );
  assertThrowsMsg(
    () => torch.setPrintoptions({ profile: "long" as never }),
    /profile must be "default", "short" or "full", got "long"/,
  );
  assertThrowsMsg(
    () => torch.setPrintoptions({ sciMode: "yes" as never }),
    /sciMode must be true, false or null/,
  );
  assertThrowsMsg(() => torch.setPrintoptions({ threshold: NaN }), /threshold must be a non-negative number/);
  assert.deepEqual(torch.getPrintoptions().linewidth, 80);
});

Deno.test("torch.isSigned and torch.isInference (PyTorch's is_signed / is_inference)", () => {
  const want: [torch.DType, boolean][] = [["float32", true], ["float64", true], ["float16", true], [
    "int32",
    true,
  ], [
    "uint8",
    false,
  ], ["bool", false]];
  for (const [dtype, signed] of want) assert.equal(torch.isSigned(torch.zeros(1, { dtype })), signed, dtype);
  const y = torch.inferenceMode(() => torch.ones(2).add(1));
  assert.deepEqual([torch.isInference(y), torch.isInference(y.clone())], [true, false]);
  assertThrowsMsg(() => torch.isSigned([1] as never), /isSigned: input must be a Tensor, got/);
  assertThrowsMsg(() => torch.isInference(null as never), /isInference: input must be a Tensor/);
});

import { strictEqual, throws } from "node:assert";
import { formatTensor } from "../src/format.ts";
import type { DType } from "../src/dtype.ts";

interface FormatCase {
  values: (number | "nan" | "inf" | "-inf")[];
  shape: number[];
  dtype: DType;
  requiresGrad: boolean;
  gradFn: string | null;
  expected: string;
}

function decode(v: number | string): number {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  return v as number;
}

Deno.test("formatTensor matches PyTorch's str(t) on every fixture (tools/fixtures/format_fixtures.py)", async () => {
  const text = await Deno.readTextFile(new URL("./fixtures/format.json", import.meta.url));
  const cases: FormatCase[] = JSON.parse(text);
  strictEqual(cases.length > 300, true, `only ${cases.length} fixture cases`);
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const values = c.values.map(decode);
    // Pass float values the way a tensor stores them.
    const typed = c.dtype === "float32" ? new Float32Array(values) : values;
    const got = formatTensor(typed, c.shape, c.dtype, { requiresGrad: c.requiresGrad, gradFn: c.gradFn });
    if (got !== c.expected) {
      failures.push(
        `case ${i} (shape [${c.shape}], ${c.dtype}):\n--- expected\n${c.expected}\n--- got\n${got}`,
      );
    }
  });
  if (failures.length > 0) {
    throw new Error(`${failures.length} of ${cases.length} cases differ:\n\n${failures.join("\n\n")}`);
  }
});

Deno.test("formatTensor: basic floats, ints, bools, 0-d", () => {
  strictEqual(formatTensor([3.14, 1.59], [2], "float32"), "tensor([3.1400, 1.5900])");
  strictEqual(formatTensor([1, 2, 3, 4], [2, 2], "float32"), "tensor([[1., 2.],\n        [3., 4.]])");
  strictEqual(formatTensor([1, 2, 3, 4], [2, 2], "int32"), "tensor([[1, 2],\n        [3, 4]])");
  strictEqual(formatTensor([1, 0], [2], "bool"), "tensor([ True, False])");
  strictEqual(formatTensor([1, 1], [2], "bool"), "tensor([True, True])");
  strictEqual(formatTensor([3.14], [], "float32"), "tensor(3.1400)");
  strictEqual(formatTensor([7], [], "int32"), "tensor(7)");
  strictEqual(formatTensor([0], [], "bool"), "tensor(False)");
  strictEqual(formatTensor([0.1], [1], "float32"), "tensor([0.1000])");
  strictEqual(formatTensor(new Uint8Array([0, 255]), [2], "uint8"), "tensor([  0, 255], dtype=torch.uint8)");
  strictEqual(formatTensor([0.5, 1.5], [2], "float16"), "tensor([0.5000, 1.5000], dtype=torch.float16)");
});

Deno.test("formatTensor: empty tensors", () => {
  strictEqual(formatTensor([], [0], "float32"), "tensor([])");
  strictEqual(formatTensor([], [0, 3], "float32"), "tensor([], size=(0, 3))");
  strictEqual(formatTensor([], [0], "int32"), "tensor([], dtype=torch.int32)");
  strictEqual(formatTensor([], [2, 0, 3], "bool"), "tensor([], size=(2, 0, 3), dtype=torch.bool)");
});

Deno.test("formatTensor: scientific notation, nan/inf, negative zero, integer-valued floats", () => {
  strictEqual(formatTensor([1e-5, 1e5], [2], "float32"), "tensor([1.0000e-05, 1.0000e+05])");
  strictEqual(formatTensor([NaN, Infinity, -Infinity], [3], "float32"), "tensor([nan, inf, -inf])");
  strictEqual(formatTensor([NaN, 1.5], [2], "float32"), "tensor([   nan, 1.5000])");
  strictEqual(formatTensor([NaN, 1], [2], "float32"), "tensor([nan, 1.])");
  strictEqual(formatTensor([-0, 1], [2], "float32"), "tensor([-0., 1.])");
  strictEqual(formatTensor([-0, 1.5], [2], "float32"), "tensor([-0.0000, 1.5000])");
  strictEqual(formatTensor([-0], [], "float32"), "tensor(-0.)");
  strictEqual(formatTensor([1e9, 2e9], [2], "float32"), "tensor([1.0000e+09, 2.0000e+09])");
  strictEqual(formatTensor([1, 5000], [2], "float32"), "tensor([1.0000e+00, 5.0000e+03])");
  strictEqual(formatTensor([0, 0], [2], "float32"), "tensor([0., 0.])");
  // Exact decimal ties round half to even, like Python's format().
  strictEqual(formatTensor([0.03125, 0.09375], [2], "float32"), "tensor([0.0312, 0.0938])");
  strictEqual(formatTensor([1, 123465], [2], "float32"), "tensor([1.0000e+00, 1.2346e+05])");
  strictEqual(formatTensor([1e-45], [], "float32"), "tensor(1.4013e-45)");
});

Deno.test("formatTensor: float values are read at their dtype's precision", () => {
  // 0.1 as float32 is 0.100000001490116..., and 1/3 as float16 is 0.333251953125.
  strictEqual(formatTensor([0.1, 0.2], [2], "float32"), "tensor([0.1000, 0.2000])");
  strictEqual(formatTensor([1 / 3], [], "float16"), "tensor(0.3333, dtype=torch.float16)");
  strictEqual(formatTensor([100000], [], "float16"), "tensor(inf, dtype=torch.float16)");
  strictEqual(formatTensor([2049], [], "float16"), "tensor(2048., dtype=torch.float16)");
  strictEqual(formatTensor([16777217], [], "float32"), "tensor(16777216.)");
});

Deno.test("formatTensor: suffixes", () => {
  strictEqual(
    formatTensor([1, 2], [2], "float32", { requiresGrad: true }),
    "tensor([1., 2.], requires_grad=True)",
  );
  strictEqual(
    formatTensor([1, 2], [2], "float32", { requiresGrad: true, gradFn: "MulBackward0" }),
    "tensor([1., 2.], grad_fn=<MulBackward0>)",
  );
  strictEqual(formatTensor([1, 2], [2], "float32", { device: "gpu" }), "tensor([1., 2.], device='gpu')");
  strictEqual(formatTensor([1, 2], [2], "float32", { device: "cpu" }), "tensor([1., 2.])");
  strictEqual(
    formatTensor([1, 2], [2], "float16", { device: "gpu", requiresGrad: true }),
    "tensor([1., 2.], device='gpu', dtype=torch.float16, requires_grad=True)",
  );
  strictEqual(
    formatTensor([1, 2, 3, 4], [2, 2], "float32", { gradFn: "AddBackward0" }),
    "tensor([[1., 2.],\n        [3., 4.]], grad_fn=<AddBackward0>)",
  );
  // A suffix that would pass column 80 goes on its own line, indented under the values.
  const wide = formatTensor(new Array(6).fill(1.5e-7), [6], "float32", { requiresGrad: true });
  strictEqual(
    wide,
    "tensor([1.5000e-07, 1.5000e-07, 1.5000e-07, 1.5000e-07, 1.5000e-07, 1.5000e-07],\n" +
      "       requires_grad=True)",
  );
});

Deno.test("formatTensor: line wrapping and summarisation", () => {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  strictEqual(
    formatTensor(range(30), [30], "int32"),
    "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n" +
      "        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])",
  );
  strictEqual(
    formatTensor(range(2000), [2000], "int32"),
    "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])",
  );
  strictEqual(
    formatTensor(range(1331), [11, 11, 11], "int32"),
    [
      "tensor([[[   0,    1,    2,  ...,    8,    9,   10],",
      "         [  11,   12,   13,  ...,   19,   20,   21],",
      "         [  22,   23,   24,  ...,   30,   31,   32],",
      "         ...,",
      "         [  88,   89,   90,  ...,   96,   97,   98],",
      "         [  99,  100,  101,  ...,  107,  108,  109],",
      "         [ 110,  111,  112,  ...,  118,  119,  120]],",
      "",
      "        [[ 121,  122,  123,  ...,  129,  130,  131],",
      "         [ 132,  133,  134,  ...,  140,  141,  142],",
      "         [ 143,  144,  145,  ...,  151,  152,  153],",
      "         ...,",
      "         [ 209,  210,  211,  ...,  217,  218,  219],",
      "         [ 220,  221,  222,  ...,  228,  229,  230],",
      "         [ 231,  232,  233,  ...,  239,  240,  241]],",
      "",
      "        [[ 242,  243,  244,  ...,  250,  251,  252],",
      "         [ 253,  254,  255,  ...,  261,  262,  263],",
      "         [ 264,  265,  266,  ...,  272,  273,  274],",
      "         ...,",
      "         [ 330,  331,  332,  ...,  338,  339,  340],",
      "         [ 341,  342,  343,  ...,  349,  350,  351],",
      "         [ 352,  353,  354,  ...,  360,  361,  362]],",
      "",
      "        ...,",
      "",
      "        [[ 968,  969,  970,  ...,  976,  977,  978],",
      "         [ 979,  980,  981,  ...,  987,  988,  989],",
      "         [ 990,  991,  992,  ...,  998,  999, 1000],",
      "         ...,",
      "         [1056, 1057, 1058,  ..., 1064, 1065, 1066],",
      "         [1067, 1068, 1069,  ..., 1075, 1076, 1077],",
      "         [1078, 1079, 1080,  ..., 1086, 1087, 1088]],",
      "",
      "        [[1089, 1090, 1091,  ..., 1097, 1098, 1099],",
      "         [1100, 1101, 1102,  ..., 1108, 1109, 1110],",
      "         [1111, 1112, 1113,  ..., 1119, 1120, 1121],",
      "         ...,",
      "         [1177, 1178, 1179,  ..., 1185, 1186, 1187],",
      "         [1188, 1189, 1190,  ..., 1196, 1197, 1198],",
      "         [1199, 1200, 1201,  ..., 1207, 1208, 1209]],",
      "",
      "        [[1210, 1211, 1212,  ..., 1218, 1219, 1220],",
      "         [1221, 1222, 1223,  ..., 1229, 1230, 1231],",
      "         [1232, 1233, 1234,  ..., 1240, 1241, 1242],",
      "         ...,",
      "         [1298, 1299, 1300,  ..., 1306, 1307, 1308],",
      "         [1309, 1310, 1311,  ..., 1317, 1318, 1319],",
      "         [1320, 1321, 1322,  ..., 1328, 1329, 1330]]])",
    ].join("\n"),
  );
});

Deno.test("formatTensor: nested indentation for 3-d and 4-d", () => {
  strictEqual(
    formatTensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], "int32"),
    "tensor([[[1, 2],\n         [3, 4]],\n\n        [[5, 6],\n         [7, 8]]])",
  );
  strictEqual(
    formatTensor([1, 2, 3, 4], [2, 1, 1, 2], "int32"),
    "tensor([[[[1, 2]]],\n\n\n        [[[3, 4]]]])",
  );
});

Deno.test("formatTensor: rejects values that do not match the shape", () => {
  throws(() => formatTensor([1, 2, 3], [2, 2], "float32"), RangeError);
  throws(() => formatTensor([], [-1], "float32"), RangeError);
});

/**
 * torch.linalg.ldlFactor / ldlFactorEx / ldlSolve on both devices: PyTorch 1.13's LD, pivots,
 * info and solutions (tools/fixtures/ldl_fixtures.py -> tests/fixtures/ldl.json; pivots exactly,
 * values to rounding), A X = B on larger matrices, no derivative (as PyTorch 1.13) and the
 * bad-input errors.
 */
import * as torch from "../mod.ts";
import type { Device } from "../mod.ts";
import {
  assert,
  assertArrayAsync,
  assertCloseAsync,
  assertThrowsMsg,
  type EncodedTensor,
  fixtureTensor,
} from "./helpers.ts";
import { deviceTest } from "./devices.ts";

interface Case {
  name: string;
  op: "factor" | "solve";
  A: EncodedTensor;
  LD: EncodedTensor;
  pivots: EncodedTensor;
  info: EncodedTensor;
  B?: EncodedTensor;
  X?: EncodedTensor;
}

const fx = JSON.parse(await Deno.readTextFile(new URL("./fixtures/ldl.json", import.meta.url))) as {
  cases: Case[];
};

function tol(dtype: string, device: Device) {
  return dtype === "float64"
    ? { rtol: 1e-10, atol: 1e-12 }
    : device === "cpu"
    ? { rtol: 2e-5, atol: 2e-5 }
    : { rtol: 1e-4, atol: 1e-4 };
}

deviceTest("linalg.ldlFactorEx / ldlSolve match PyTorch 1.13 (pivots exactly)", async (device) => {
  let ran = 0;
  for (const c of fx.cases) {
    if (device !== "cpu" && c.A.dtype !== "float32") continue;
    const A = fixtureTensor(c.A, device);
    const o = { ...tol(c.A.dtype, device), msg: `${c.name}: LD` };
    const { LD, pivots, info } = torch.linalg.ldlFactorEx(A);
    assert.equal(pivots.dtype, "int32");
    await assertArrayAsync(pivots, fixtureTensor(c.pivots).toArray(), `${c.name}: pivots`);
    await assertArrayAsync(info, fixtureTensor(c.info).toArray(), `${c.name}: info`);
    await assertCloseAsync(LD, fixtureTensor(c.LD), o);
    if (c.op === "solve") {
      const X = torch.linalg.ldlSolve(LD, pivots, fixtureTensor(c.B!, device));
      assert.deepEqual(X.shape, c.X!.shape, c.name);
      await assertCloseAsync(X, fixtureTensor(c.X!), { ...o, msg: `${c.name}: X` });
    }
    ran++;
  }
  assert.ok(ran >= 14, `${ran} cases ran`);
});

deviceTest(
  "linalg.ldlFactor: A X = B for a 60x60 indefinite matrix, and hermitian is the same for real input",
  async (device) => {
    const g = new torch.Generator(7);
    const M = torch.randn([60, 60], { generator: g });
    const A = M.add(M.t()).to(device);
    const B = torch.randn([60, 3], { generator: g }).to(device);
    const { LD, pivots } = torch.linalg.ldlFactor(A);
    const X = torch.linalg.ldlSolve(LD, pivots, B);
    await assertCloseAsync(A.matmul(X), B, { rtol: 1e-3, atol: 1e-3 });
    const H = torch.linalg.ldlFactor(A, { hermitian: true });
    await assertCloseAsync(H.LD, LD, { rtol: 0, atol: 0 });
    await assertArrayAsync(H.pivots, await pivots.toArrayAsync());
    await assertCloseAsync(torch.linalg.ldlSolve(LD, pivots, B, { hermitian: true }), X, {
      rtol: 0,
      atol: 0,
    });
  },
);

deviceTest("linalg.ldlFactor / ldlSolve have no derivative, as PyTorch 1.13", (device) => {
  const A = torch.tensor([[2, 1], [1, -3]]).float().to(device).requiresGrad_(true);
  const { LD, pivots } = torch.linalg.ldlFactor(A);
  assert.equal(LD.requiresGrad, true);
  assertThrowsMsg(() => LD.sum().backward(), /derivative for 'linalg\.ldlFactorEx' is not implemented/);
  const B = torch.ones([2, 1]).to(device).requiresGrad_(true);
  const X = torch.linalg.ldlSolve(LD.detach(), pivots, B);
  assert.equal(X.requiresGrad, true);
  assertThrowsMsg(() => X.sum().backward(), /derivative for 'linalg\.ldlSolve' is not implemented/);
  assert.equal(torch.linalg.ldlFactor(A.detach()).LD.requiresGrad, false);
});

deviceTest("linalg.ldlFactor: bad input", (device) => {
  const L = torch.linalg;
  const A = torch.tensor([[1, 2], [2, 1]]).float().to(device);
  assertThrowsMsg(
    () => L.ldlFactor(torch.zeros([3, 4]).to(device)),
    /^linalg\.ldlFactor: A must be batches of square matrices, but they are 3 by 4 matrices/,
  );
  assertThrowsMsg(
    () => L.ldlFactor(torch.zeros([3]).to(device)),
    /^linalg\.ldlFactor: The input tensor A must have at least 2 dimensions/,
  );
  assertThrowsMsg(
    () => L.ldlFactor(torch.zeros([2, 2], { dtype: "int32" }).to(device)),
    /^linalg\.ldlFactor: expected A to be a float32 or float64 tensor, got int32/,
  );
  assertThrowsMsg(
    () => L.ldlFactor(A, { hermitian: 1 as never }),
    /^linalg\.ldlFactor: hermitian must be a boolean/,
  );
  const { LD, pivots } = L.ldlFactor(A);
  const B = torch.ones([2, 1]).to(device);
  assertThrowsMsg(
    () => L.ldlSolve(LD, pivots, torch.ones([2]).to(device)),
    /^linalg\.ldlSolve: The input tensor B must have at least 2 dimensions/,
  );
  assertThrowsMsg(
    () => L.ldlSolve(LD, pivots, torch.ones([3, 1]).to(device)),
    /^linalg\.ldlSolve: Incompatible matrix sizes: each LD matrix is 2 by 2 but each B matrix is 3 by 1/,
  );
  assertThrowsMsg(
    () => L.ldlSolve(LD, pivots.narrow(0, 0, 1), B),
    /^linalg\.ldlSolve: Expected LD.shape\[:-1\] and pivots.shape to be the same, but got pivots with shape \[1\]/,
  );
  assertThrowsMsg(
    () => L.ldlSolve(LD, pivots.float(), B),
    /^linalg\.ldlSolve: pivots must be an int32 tensor, got float32/,
  );
  assertThrowsMsg(() => L.ldlSolve(LD, "p" as never, B), /^linalg\.ldlSolve: expected pivots to be a Tensor/);
  assertThrowsMsg(
    () => L.ldlSolve(LD.narrow(0, 0, 1), pivots, B),
    /^linalg\.ldlSolve: LD must be batches of square matrices, but they are 1 by 2 matrices/,
  );
  if (device === "cpu") {
    assertThrowsMsg(
      () => L.ldlSolve(LD.double(), pivots, B),
      /^linalg\.ldlSolve: Expected B and LD to have the same dtype, but found B of type float32 and LD of type float64/,
    );
    assertThrowsMsg(
      () => L.ldlSolve(LD, torch.tensor([3, 1], { dtype: "int32" }), B),
      /^linalg\.ldlSolve: invalid pivots \(matrix 0, pivot 0 is 3\)/,
    );
    assertThrowsMsg(
      () => L.ldlSolve(LD, torch.tensor([1, -2], { dtype: "int32" }), B),
      /^linalg\.ldlSolve: invalid pivots \(matrix 0, pivot 1 is -2\): a negative pivot comes in equal pairs/,
    );
    const S = torch.stack([torch.eye(3), torch.ones([3, 3])]).double();
    assertThrowsMsg(
      () => L.ldlFactor(S),
      /^linalg\.ldlFactor: \(Batch element 1\): the factorization could not be completed: D's block at column 2 is exactly zero/,
    );
    assertThrowsMsg(
      () => L.ldlFactorEx(S, { checkErrors: true }),
      /^linalg\.ldlFactorEx: \(Batch element 1\): the factorization/,
    );
    assert.deepEqual(L.ldlFactorEx(S).info.toArray(), [0, 2]);
  }
});

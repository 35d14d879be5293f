/** einsum beyond its PyTorch fixtures (tests/ops_golden_test.ts): finite differences and bad equations. */
import * as torch from "../mod.ts";
import { assertThrowsMsg, gradcheck } from "./helpers.ts";

Deno.test("einsum: finite-difference gradients through matmul, diagonal and sum lowerings", () => {
  torch.manualSeed(21);
  gradcheck((a, b) => torch.einsum("bij,bjk->bik", a, b), [
    torch.randn(2, 3, 4).requiresGrad_(true),
    torch.randn(2, 4, 2).requiresGrad_(true),
  ]);
  gradcheck((a, b) => torch.einsum("iij,jk->ik", a, b), [
    torch.randn(3, 3, 2).requiresGrad_(true),
    torch.randn(2, 4).requiresGrad_(true),
  ]);
  gradcheck((a) => torch.einsum("ijk->ki", a), [torch.randn(2, 3, 4).requiresGrad_(true)]);
});

Deno.test("einsum: bad equations get a clear message", () => {
  const a = torch.zeros(2, 3), b = torch.zeros(3, 4);
  assertThrowsMsg(
    () => torch.einsum("ij,jk->ik", a),
    /the equation has 2 operand subscript\(s\) for 1 operand/,
  );
  assertThrowsMsg(
    () => torch.einsum("ijk,jk->ik", a, b),
    /number of subscripts in "ijk" \(3\) does not match the number of dimensions \(2\)/,
  );
  assertThrowsMsg(
    () => torch.einsum("ij,ik->jk", a, b),
    /subscript "i" stands for dims of sizes 2 and 3/,
  );
  assertThrowsMsg(() => torch.einsum("ij,jk->iz", a, b), /output subscript "z" does not appear in the input/);
  assertThrowsMsg(() => torch.einsum("i1,jk->ik", a, b), /invalid subscript "1"/);
  assertThrowsMsg(() => torch.einsum("ij,jk,kl->il", a, b, b), /expected one or two operands, got 3/);
  assertThrowsMsg(() => torch.einsum("ii->i", a), /subscript "i" stands for dims of sizes 2 and 3/);
});

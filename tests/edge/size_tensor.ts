// Bundle-size entry (a): tensors and autograd only (tools/edge/sizes.ts).
import { randn, tensor } from "../../mod.ts";

const x = randn(3, 4, { requiresGrad: true });
const w = tensor([[1, -1], [2, 0], [0, 1], [-1, 3]], { dtype: "float32" });
const y = x.matmul(w).relu().sum();
y.backward();
console.log(y.item(), x.grad!.toArray());

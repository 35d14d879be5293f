/** pow's special cases follow C and PyTorch on both backends: 1^y = 1 for any y, (-1)^±inf = 1. */
import * as torch from "../mod.ts";
import { deviceTest } from "./devices.ts";
import { assertCloseAsync } from "./helpers.ts";

deviceTest("pow: 1 to any power (NaN, ±inf) is 1, and (-1)^±inf is 1", async (device) => {
  const base = torch.tensor([1, 1, 1, -1, -1, 2], { dtype: "float32", device });
  const exponent = torch.tensor([NaN, Infinity, -Infinity, Infinity, -Infinity, NaN], { device });
  await assertCloseAsync(base.pow(exponent), [1, 1, 1, 1, 1, NaN]);
});

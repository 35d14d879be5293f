/**
 * 3-d padding layers: `ConstantPad3d`, `ReflectionPad3d`, `ReplicationPad3d`, each `F.pad` of the
 * last three dims with a fixed amount (`[left, right, top, bottom, front, back]`) and mode.
 * @module
 */
import { ConstantPadNd, PadNd } from "./padding.ts";

/**
 * Padding of the last three dims with a constant.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pad = new nn.ConstantPad3d([1, 0, 0, 0, 0, 1], 2);
 * assertEquals(pad(torch.ones(1, 1, 1)).toArray(), [[[2, 1]], [[2, 2]]]);
 * assertEquals(String(pad), "ConstantPad3d(padding=(1, 0, 0, 0, 0, 1), value=2.0)");
 * ```
 */
export class ConstantPad3d extends ConstantPadNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(padding: number | readonly number[], value: number) {
    super("ConstantPad3d", 3, padding, value);
  }
}

/**
 * Reflection padding of the last three dims (the border is mirrored, not repeated).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const pad = new nn.ReflectionPad3d(1);
 * assertEquals([pad(torch.ones(2, 3, 3, 3)).shape, String(pad)], [[2, 5, 5, 5], "ReflectionPad3d((1, 1, 1, 1, 1, 1))"]);
 * ```
 */
export class ReflectionPad3d extends PadNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(padding: number | readonly number[]) {
    super("ReflectionPad3d", 3, padding, "reflect");
  }
}

/**
 * Replication padding of the last three dims (the edge value repeated).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * import * as nn from "../mod.ts";
 * const x = torch.arange(2).float().reshape(1, 2, 1, 1);
 * assertEquals(new nn.ReplicationPad3d([0, 0, 0, 0, 1, 1])(x).reshape(-1).toArray(), [0, 0, 1, 1]);
 * ```
 */
export class ReplicationPad3d extends PadNd {
  /** Creates the module; the arguments are described on the class. */
  constructor(padding: number | readonly number[]) {
    super("ReplicationPad3d", 3, padding, "replicate");
  }
}

/**
 * Save and load: the safetensors format, shared with PyTorch (`safetensors.torch`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { loadBytes, saveBytes } from "./mod.ts";
 * const sd = loadBytes(saveBytes({ "fc.weight": torch.ones(2, 2) }));
 * assertEquals(sd["fc.weight"].toArray(), [[1, 1], [1, 1]]);
 * ```
 * @module
 */
export {
  frameSafetensors,
  load,
  loadBytes,
  type LoadOptions,
  MAX_HEADER_BYTES,
  MAX_TENSORS,
  parseSafetensors,
  type PathLike,
  type SafetensorsContents,
  type SafetensorsDType,
  save,
  saveBytes,
  saveBytesAsync,
  type SaveOptions,
  type StateValue,
  type TensorDict,
  TREE_METADATA_KEY,
} from "./safetensors.ts";

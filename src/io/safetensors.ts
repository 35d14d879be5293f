/**
 * Save and load tensors in the safetensors format, the format PyTorch users share weights in
 * (`safetensors.torch.save_file` / `load_file`):
 *
 * ```
 * [8 bytes: N, little-endian u64][N bytes: JSON header, padded with spaces][data]
 * header: {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ...}
 * ```
 *
 * The writer follows the reference implementation byte for byte: tensors ordered by dtype
 * alignment (largest first) then by name, data contiguous and so naturally aligned, the header
 * padded with spaces to a multiple of 8, `__metadata__` first with its keys sorted. The reader
 * validates everything before touching the data (header length, UTF-8, JSON with no duplicate
 * keys, dtypes, shapes, offsets contiguous from 0 to the end of the file) and never reads out of
 * bounds; every problem is an `Error` whose message names the file and the tensor. The work a
 * header can ask for is bounded: at most {@link MAX_HEADER_BYTES} of header, {@link MAX_TENSORS}
 * tensors (`maxTensors` option) and a proportional number of JSON values, ranks up to 64.
 *
 * Loading copies each tensor's bytes once, into the tensor's own storage: `load` reads them from
 * the file straight into it (the file is never held whole in memory), `loadBytes` from the bytes.
 *
 * dtypes: F32, F64, F16, I32, U8 and BOOL round-trip exactly. Loading also accepts BF16 (as
 * float32), I64, U64, U32 (as int32, with a range check: edgetorch has no 64-bit integers), and
 * I16, U16, I8 (as int32).
 *
 * Nested state (optimizer state, checkpoints): `saveBytes`/`save` also accept any tree of plain
 * objects and arrays whose leaves are tensors, numbers (NaN and infinities included), strings,
 * booleans or null (see {@link StateValue}). Each tensor is stored under its dotted path
 * (`optimizer.state.0.expAvg`, `model.fc.weight`), and the tree itself, with every tensor
 * replaced by `{"$t": "<key>"}` (and non-finite numbers by `{"$n": "Infinity"}`), is stored as
 * JSON in the `edgetorch.tree` entry of `__metadata__`. Such a file is still an ordinary
 * safetensors file: PyTorch sees the flattened tensors and can `json.loads` the tree.
 * `loadBytes`/`load` rebuild the tree (name its type with a type argument:
 * `await load<{ model: Record<string, Tensor>; epoch: number }>(path)`). A flat
 * `Record<string, Tensor>` (a model's `stateDict()`) is saved without that entry, exactly as
 * `safetensors.torch.save_file` would save it.
 * @module
 */
export type { PathLike } from "./fs.ts";
export {
  type LoadOptions,
  MAX_HEADER_BYTES,
  MAX_TENSORS,
  type SafetensorsContents,
  type SafetensorsDType,
  type SaveOptions,
  type StateValue,
  type TensorDict,
  TREE_METADATA_KEY,
} from "./safetensors_format.ts";
export { frameSafetensors, save, saveBytes, saveBytesAsync } from "./safetensors_write.ts";
export { load, loadBytes, parseSafetensors } from "./safetensors_read.ts";

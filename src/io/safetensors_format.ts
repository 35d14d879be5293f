/**
 * The safetensors format as this library reads and writes it: the public types and limits, and
 * the dtype tables the reader and the writer share (see safetensors.ts for the format itself).
 * @module
 */
import type { DType } from "../dtype.ts";
import type { Tensor } from "../tensor.ts";

/** The safetensors element types this module reads (see the module doc for conversions). */
export type SafetensorsDType =
  | "BOOL"
  | "U8"
  | "I8"
  | "I16"
  | "U16"
  | "F16"
  | "BF16"
  | "I32"
  | "U32"
  | "F32"
  | "C64"
  | "F64"
  | "I64"
  | "U64";

/** A value `saveBytes` accepts: tensors, JSON scalars, and arrays and plain objects of them. */
export type StateValue =
  | Tensor
  | number
  | string
  | boolean
  | null
  | readonly StateValue[]
  | { readonly [key: string]: StateValue | undefined };

/** A flat map from names to tensors, as `module.stateDict()` returns. */
export type TensorDict = Record<string, Tensor>;

/** Options of `saveBytes` and `save`. */
export interface SaveOptions {
  /** String pairs stored in the header's `__metadata__` (e.g. `{ format: "pt" }`). */
  metadata?: Record<string, string>;
}

/** Options of `loadBytes`, `parseSafetensors` and `load`. */
export interface LoadOptions {
  /** A name for the bytes, used in error messages (`load` passes the path). */
  name?: string;
  /** Most tensors a file may hold (default {@link MAX_TENSORS}); more is an error. */
  maxTensors?: number;
}

/** What `parseSafetensors` returns: the tensors by name and the `__metadata__` strings. */
export interface SafetensorsContents {
  /** The tensors by name, in header order. */
  tensors: TensorDict;
  /** The `__metadata__` string pairs (empty when the file has none). */
  metadata: Record<string, string>;
}

/** The metadata entry that holds the structure of a nested state (see the module doc). */
export const TREE_METADATA_KEY = "edgetorch.tree";

/** Largest header accepted, as the reference implementation (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Most tensors a file may hold by default (`LoadOptions.maxTensors` changes it). Real checkpoints
 * hold thousands; a header of many tiny entries otherwise makes the reader build millions of
 * objects (a 56 MB header of empty tensors took 17 s and 1.9 GB).
 */
export const MAX_TENSORS = 100_000;
/** @internal JSON values a header may hold per tensor allowed (an entry of rank 8 has 14), plus metadata. */
export const VALUES_PER_TENSOR = 16;
/** @internal Most dimensions of a tensor in a file. */
export const MAX_RANK = 64;

/** @internal Bytes per element of each safetensors dtype. */
export const DTYPE_SIZE: Record<SafetensorsDType, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  C64: 8,
  F64: 8,
  I64: 8,
  U64: 8,
};
/** @internal The reference implementation's dtype order (its enum order); files list larger ranks first. */
export const DTYPE_RANK: Record<string, number> = {
  BOOL: 0,
  U8: 1,
  I8: 2,
  F8_E5M2: 3,
  F8_E4M3: 4,
  I16: 5,
  U16: 6,
  F16: 7,
  BF16: 8,
  I32: 9,
  U32: 10,
  F32: 11,
  C64: 11.5, // between F32 and F64, as in the reference implementation's enum
  F64: 12,
  I64: 13,
  U64: 14,
};
/** @internal The safetensors dtype each dtype is saved as. */
export const SAVE_DTYPE: Record<DType, SafetensorsDType> = {
  float32: "F32",
  float64: "F64",
  float16: "F16",
  int32: "I32",
  uint8: "U8",
  bool: "BOOL",
  complex64: "C64",
};

/** @internal Whether this host stores numbers little-endian (safetensors data is little-endian). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** @internal The type of a value, or its class name, for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (typeof v !== "object") return typeof v;
  return (v as object).constructor?.name ?? "object";
}

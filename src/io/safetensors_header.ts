/**
 * Reading a safetensors header: the 8-byte length, then the JSON header, validated in full
 * (UTF-8, strict JSON within bounds, dtypes, shapes, offsets contiguous from 0 to the end of the
 * file) before any tensor data is touched. Every problem is an `Error` naming the file and the
 * tensor.
 * @module
 */
import { isJsonObject, type JsonObject, JsonSyntaxError, type JsonValue, parseJsonStrict } from "./json.ts";
import {
  DTYPE_SIZE,
  MAX_HEADER_BYTES as MAX_HEADER,
  MAX_RANK,
  MAX_TENSORS,
  type SafetensorsDType,
  VALUES_PER_TENSOR,
} from "./safetensors_format.ts";

/** @internal One tensor's entry in a validated header (offsets relative to the data start). */
export interface Parsed {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function describeJson(v: JsonValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * @internal The header length stored in a file's first 8 bytes (of a file of `size` bytes), checked.
 */
export function headerLength(first8: Uint8Array, size: number, what: string): number {
  const fail = (msg: string): never => {
    throw new Error(`${what}: ${msg}`);
  };
  if (size < 8) {
    fail(`file is ${size} bytes, too short for a safetensors file (it starts with an 8-byte header length)`);
  }
  const view = new DataView(first8.buffer, first8.byteOffset, 8);
  const lo = view.getUint32(0, true), hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > MAX_HEADER) {
    fail(
      `header length ${n} (first 8 bytes, little-endian) is larger than the 100 MB limit; this is not a safetensors ` +
        "file or it is corrupt",
    );
  }
  if (8 + n > size) {
    fail(
      `header length ${n} runs past the end of the file (${size} bytes); the file is truncated or corrupt`,
    );
  }
  if (n < 2) fail(`header length ${n} is too small for a JSON object`);
  return n;
}

/**
 * @internal Parses and validates the header of a file of `size` bytes; `bytes` holds at least its first
 * 8 + header-length bytes.
 */
export function readHeader(
  bytes: Uint8Array,
  what: string,
  size = bytes.length,
  maxTensors = MAX_TENSORS,
): { entries: Parsed[]; metadata: Record<string, string>; dataStart: number } {
  const fail = (msg: string): never => {
    throw new Error(`${what}: ${msg}`);
  };
  if (!Number.isSafeInteger(maxTensors) || maxTensors < 0) {
    throw new RangeError(`${what}: maxTensors must be a non-negative integer, got ${maxTensors}`);
  }
  const n = headerLength(bytes, size, what);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail("header is not valid UTF-8");
  }
  let header: JsonValue;
  const maxValues = VALUES_PER_TENSOR * maxTensors + 10_000;
  try {
    header = parseJsonStrict(text, 64, maxValues);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      if (e.message.startsWith(`more than ${maxValues} values`)) {
        return fail(
          `header holds more than ${maxValues} JSON values, too many for a file of at most ${maxTensors} ` +
            "tensors (the maxTensors option raises the limit)",
        );
      }
      return fail(`header is not valid JSON: ${e.message}`);
    }
    throw e;
  }
  if (!isJsonObject(header)) return fail("header must be a JSON object");
  const dataStart = 8 + n;
  const dataLen = size - dataStart;
  const count = Object.keys(header).length - (Object.hasOwn(header, "__metadata__") ? 1 : 0);
  if (count > maxTensors) {
    fail(
      `header holds ${count} tensors, more than the limit of ${maxTensors} (the maxTensors option raises it)`,
    );
  }
  const metadata: Record<string, string> = {};
  const entries: Parsed[] = [];
  for (const name of Object.keys(header)) {
    const info = header[name];
    if (name === "__metadata__") {
      if (!isJsonObject(info)) fail(`"__metadata__" must be an object of strings, got ${describeJson(info)}`);
      for (const [k, v] of Object.entries(info as JsonObject)) {
        if (typeof v !== "string") {
          fail(`"__metadata__" entry ${JSON.stringify(k)} must be a string, got ${describeJson(v)}`);
        }
        Object.defineProperty(metadata, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      continue;
    }
    const t = `tensor ${JSON.stringify(name)}`;
    if (!isJsonObject(info)) {
      fail(`${t}: expected an object with "dtype", "shape" and "data_offsets", got ${describeJson(info)}`);
    }
    const obj = info as JsonObject;
    for (const field of ["dtype", "shape", "data_offsets"]) {
      if (!(field in obj)) fail(`${t}: missing "${field}"`);
    }
    const dtype = obj.dtype;
    if (typeof dtype !== "string" || !Object.hasOwn(DTYPE_SIZE, dtype)) {
      fail(
        `${t}: unknown or unsupported dtype ${describeJson(dtype)} (supported: ${
          Object.keys(DTYPE_SIZE).join(", ")
        })`,
      );
    }
    const shape = obj.shape;
    if (
      !Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)
    ) {
      fail(`${t}: "shape" must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if ((shape as number[]).length > MAX_RANK) {
      fail(`${t}: "shape" has ${(shape as number[]).length} dimensions, more than ${MAX_RANK}`);
    }
    const offsets = obj.data_offsets;
    if (
      !Array.isArray(offsets) || offsets.length !== 2 ||
      offsets.some((d) => typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)
    ) {
      fail(
        `${t}: "data_offsets" must be [begin, end] with non-negative integers, got ${
          JSON.stringify(offsets)
        }`,
      );
    }
    const [begin, end] = offsets as number[];
    if (end < begin) fail(`${t}: data_offsets [${begin}, ${end}] end before they begin`);
    if (end > dataLen) {
      fail(
        `${t}: data_offsets [${begin}, ${end}] run past the end of the data (${dataLen} bytes after the header); ` +
          "the file is truncated or the offsets are wrong",
      );
    }
    const size = DTYPE_SIZE[dtype as SafetensorsDType];
    let nbytes = (shape as number[]).includes(0) ? 0 : size;
    for (const d of shape as number[]) nbytes = Math.min(nbytes * d, 2 ** 60);
    if (nbytes !== end - begin) {
      fail(
        `${t}: shape ${fmtShape(shape as number[])} of ${dtype} needs ${
          nbytes > Number.MAX_SAFE_INTEGER ? "more than 2^53" : nbytes
        } bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
      );
    }
    entries.push({ name, dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end });
  }
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Parsed | null = null;
  for (const e of byOffset) {
    if (e.begin < pos) {
      fail(
        `tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap tensor ${
          JSON.stringify(prev!.name)
        } [${prev!.begin}, ${prev!.end}]`,
      );
    }
    if (e.begin > pos) {
      fail(
        `tensor ${
          JSON.stringify(e.name)
        }: data_offsets [${e.begin}, ${e.end}] leave a gap after byte ${pos} ` +
          "(tensor data must be contiguous from offset 0)",
      );
    }
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLen) {
    fail(
      `the tensors cover ${pos} data bytes but the file has ${dataLen} after the header (${dataLen - pos} ` +
        "unexpected trailing bytes)",
    );
  }
  return { entries, metadata, dataStart };
}

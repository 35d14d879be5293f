/**
 * Fuzz-style robustness of the safetensors reader: thousands of corrupted files (truncations at
 * every byte, appended bytes, bad header lengths, random byte flips in the header and in the
 * data, structured mutations of the JSON header: offsets out of range, overlapping, shapes and
 * dtypes that do not match, wrong types, duplicate keys; random garbage).
 *
 * The oracle: every variant either throws an Error whose message starts with the file's name
 * (one of ours, not an internal TypeError or RangeError from an out-of-bounds access), or loads;
 * a variant that loads must be a valid file by an independent check of the layout, and each
 * tensor must hold exactly the bytes its offsets name (no garbage).
 */
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { loadBytes, parseSafetensors, saveBytes } from "../src/io/mod.ts";
import { assert } from "./helpers.ts";

const FIX = new URL("./fixtures/io/", import.meta.url);
const NAME = "fuzz.safetensors";
const SIZE: Record<string, number> = {
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
  F64: 8,
  I64: 8,
  U64: 8,
};
/** dtypes whose bytes we keep as they are (so the loaded bytes can be compared with the file's). */
const NATIVE = new Set(["F32", "F16", "I32", "U8"]);

const gen = new torch.Generator(20240601);
const randInt = (n: number) => Math.floor(gen.nextFloat() * n);

/** Prints counts when FUZZ_VERBOSE is set. */
function report(what: string, threw: number, loaded: number): void {
  if (Deno.env.get("FUZZ_VERBOSE")) console.log(`${what}: ${threw} rejected, ${loaded} loaded (valid)`);
}

interface Tally {
  threw: number;
  loaded: number;
}

/** Independent layout check with JSON.parse: the rules a valid file satisfies. */
function validLayout(
  bytes: Uint8Array,
): Record<string, { dtype: string; shape: number[]; offsets: number[] }> | null {
  if (bytes.length < 8) return null;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  if (n > 1e8 || 8 + n > bytes.length) return null;
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch {
    return null;
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) return null;
  const dataLen = bytes.length - 8 - n;
  const out: Record<string, { dtype: string; shape: number[]; offsets: number[] }> = {};
  const spans: number[][] = [];
  for (const [k, v] of Object.entries(header)) {
    if (k === "__metadata__") continue;
    const e = v as { dtype: string; shape: number[]; data_offsets: number[] };
    if (
      !e || typeof e !== "object" || !(e.dtype in SIZE) || !Array.isArray(e.shape) ||
      !Array.isArray(e.data_offsets)
    ) {
      return null;
    }
    const numel = e.shape.reduce((a, b) => a * b, 1);
    const [b0, b1] = e.data_offsets;
    if (b1 - b0 !== numel * SIZE[e.dtype]) return null;
    spans.push([b0, b1]);
    out[k] = { dtype: e.dtype, shape: e.shape, offsets: [b0, b1] };
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let pos = 0;
  for (const [b0, b1] of spans) {
    if (b0 !== pos) return null;
    pos = b1;
  }
  return pos === dataLen ? out : null;
}

function rawOf(t: Tensor): Uint8Array {
  const f = saveBytes({ t });
  const n = Number(new DataView(f.buffer).getBigUint64(0, true));
  return f.subarray(8 + n);
}

/** Loads a variant and applies the oracle. */
function check(bytes: Uint8Array, tally: Tally, what: string, rebuildTree = true): void {
  let result: Record<string, Tensor>;
  try {
    result = parseSafetensors(bytes, { name: NAME }).tensors;
    if (rebuildTree) loadBytes(bytes, { name: NAME });
  } catch (e) {
    assert.ok(e instanceof Error, `${what}: threw a non-Error ${String(e)}`);
    assert.ok(
      e.message.startsWith(`${NAME}: `),
      `${what}: error without the file name (an internal error?): ${e.constructor.name}: ${e.message}`,
    );
    tally.threw++;
    return;
  }
  const layout = validLayout(bytes);
  assert.ok(layout !== null, `${what}: loaded a file whose layout is invalid`);
  assert.deepEqual(Object.keys(result).sort(), Object.keys(layout!).sort(), `${what}: keys`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  for (const [k, info] of Object.entries(layout!)) {
    const t = result[k];
    assert.deepEqual(t.shape, info.shape, `${what}: ${k} shape`);
    if (NATIVE.has(info.dtype)) {
      const want = bytes.subarray(8 + n + info.offsets[0], 8 + n + info.offsets[1]);
      assert.deepEqual(rawOf(t), want, `${what}: ${k} bytes`);
    }
  }
  tally.loaded++;
}

async function bases(): Promise<[string, Uint8Array][]> {
  return [
    ["torch_written", await Deno.readFile(new URL("torch_written.safetensors", FIX))],
    ["checkpoint", await Deno.readFile(new URL("edgetorch_checkpoint.safetensors", FIX))],
    [
      "small",
      saveBytes({ a: torch.tensor([1.5, -2, 3]), b: torch.tensor([1, 2, 3, 4, 5], { dtype: "uint8" }) }, {
        metadata: { format: "pt" },
      }),
    ],
  ];
}

function headerLen(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
}

function withHeader(text: string, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

Deno.test("fuzz: truncation at every byte and appended bytes are always rejected", async () => {
  let count = 0;
  for (const [name, bytes] of await bases()) {
    const tally = { threw: 0, loaded: 0 };
    for (let len = 0; len < bytes.length; len++) {
      check(bytes.subarray(0, len), tally, `${name} truncated to ${len}`);
    }
    for (let extra = 1; extra <= 16; extra++) {
      const longer = new Uint8Array(bytes.length + extra);
      longer.set(bytes);
      check(longer, tally, `${name} + ${extra} bytes`);
    }
    assert.equal(tally.loaded, 0, `${name}: a truncated or extended file loaded`);
    count += tally.threw;
  }
  assert.ok(count > 3500, `only ${count} variants`);
  report("truncations/appends", count, 0);
});

Deno.test("fuzz: bad header lengths are rejected", async () => {
  for (const [name, bytes] of await bases()) {
    const n = headerLen(bytes);
    const tally = { threw: 0, loaded: 0 };
    const values = [
      0n,
      1n,
      2n,
      7n,
      BigInt(n - 1),
      BigInt(n + 1),
      BigInt(n + 8),
      BigInt(bytes.length - 8),
      BigInt(bytes.length),
      2n ** 31n,
      2n ** 32n,
      2n ** 32n + BigInt(n),
      2n ** 53n,
      2n ** 63n,
      2n ** 64n - 1n,
    ];
    for (const v of values) {
      const f = bytes.slice();
      new DataView(f.buffer).setBigUint64(0, v, true);
      check(f, tally, `${name} header length ${v}`);
    }
    assert.equal(tally.loaded, 0, `${name}: a wrong header length loaded`);
  }
});

Deno.test("fuzz: random byte flips in the header throw clear errors or load a valid file", async () => {
  let threw = 0, loaded = 0;
  for (const [name, bytes] of await bases()) {
    const n = headerLen(bytes);
    const tally = { threw: 0, loaded: 0 };
    for (let k = 0; k < 400; k++) {
      const f = bytes.slice();
      const flips = 1 + randInt(3);
      for (let j = 0; j < flips; j++) {
        const pos = 8 + randInt(n);
        f[pos] = randInt(4) === 0 ? f[pos] ^ (1 << randInt(8)) : randInt(256);
      }
      check(f, tally, `${name} header flip #${k}`);
    }
    threw += tally.threw;
    loaded += tally.loaded;
  }
  assert.ok(threw > 800, `only ${threw} of the header flips were rejected (${loaded} loaded)`);
  report("header flips", threw, loaded);
});

Deno.test("fuzz: byte flips in the data section are benign (load) or a clear int64 range error", async () => {
  for (const [, bytes] of await bases()) {
    const n = headerLen(bytes);
    const dataLen = bytes.length - 8 - n;
    const original = parseSafetensors(bytes).tensors;
    for (let k = 0; k < 200; k++) {
      const f = bytes.slice();
      const pos = 8 + n + randInt(dataLen);
      f[pos] ^= 1 + randInt(255);
      try {
        const t = parseSafetensors(f, { name: NAME }).tensors;
        assert.deepEqual(Object.keys(t).sort(), Object.keys(original).sort());
      } catch (e) {
        assert.match(
          (e as Error).message,
          /^fuzz\.safetensors: tensor ".*" \((I64|U64)\) holds .* outside int32's range/,
        );
      }
    }
  }
});

Deno.test("fuzz: structured header mutations (offsets, overlaps, shapes, dtypes, types, duplicates)", async () => {
  let threw = 0, total = 0;
  for (const [name, bytes] of await bases()) {
    const n = headerLen(bytes);
    const data = bytes.subarray(8 + n);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    const names = Object.keys(header).filter((k) => k !== "__metadata__");
    const tally = { threw: 0, loaded: 0 };
    // deno-lint-ignore no-explicit-any
    const variant = (mutate: (h: Record<string, any>) => void, what: string) => {
      const h = structuredClone(header);
      mutate(h);
      check(withHeader(JSON.stringify(h), data), tally, `${name}: ${what}`);
    };
    const junk: unknown[] = [
      null,
      true,
      1,
      -1,
      1.5,
      "8",
      [],
      {},
      [0],
      [0, 1, 2],
      [[0, 8]],
      2 ** 53,
      -(2 ** 31),
      1e300,
    ];
    for (const k of names) {
      const [b, e] = header[k].data_offsets;
      for (const d of [-1, 1, 8, -8]) {
        variant((h) => (h[k].data_offsets = [b + d, e]), `${k} begin ${d}`);
        variant((h) => (h[k].data_offsets = [b, e + d]), `${k} end ${d}`);
        variant((h) => (h[k].data_offsets = [b + d, e + d]), `${k} shifted ${d}`);
      }
      variant((h) => (h[k].data_offsets = [b, data.length + 1]), `${k} end past data`);
      variant((h) => (h[k].data_offsets = [0, e - b]), `${k} moved to 0 (overlap)`);
      variant((h) => (h[k].data_offsets = [e, b]), `${k} reversed`);
      for (const j of junk) {
        variant((h) => (h[k].data_offsets = j), `${k} offsets ${JSON.stringify(j)}`);
        variant((h) => (h[k].shape = j), `${k} shape ${JSON.stringify(j)}`);
        variant((h) => (h[k].dtype = j), `${k} dtype ${JSON.stringify(j)}`);
        variant((h) => (h[k] = j), `${k} entry ${JSON.stringify(j)}`);
      }
      for (
        const dt of ["F32", "F64", "I64", "U8", "BOOL", "F16", "BF16", "f32", "", "F8_E5M2", "X".repeat(1000)]
      ) {
        variant((h) => (h[k].dtype = dt), `${k} dtype ${dt.slice(0, 10)}`);
      }
      variant((h) => (h[k].shape = [...h[k].shape, 2]), `${k} extra dim`);
      variant((h) => (h[k].shape = h[k].shape.map((s: number) => s + 1)), `${k} dims + 1`);
      variant((h) => (h[k].shape = [2 ** 40, 2 ** 40, 2 ** 40]), `${k} huge shape`);
      variant((h) => delete h[k].shape, `${k} no shape`);
      variant((h) => delete h[k].data_offsets, `${k} no offsets`);
      variant((h) => delete h[k].dtype, `${k} no dtype`);
      variant((h) => delete h[k], `${k} removed (gap)`);
      for (const other of names) {
        if (other === k) continue;
        variant(
          (h) => (h[k].data_offsets = [...header[other].data_offsets]),
          `${k} takes ${other}'s offsets`,
        );
      }
    }
    for (const j of junk) variant((h) => (h.__metadata__ = j), `__metadata__ ${JSON.stringify(j)}`);
    variant((h) => (h.__metadata__ = { a: 1 }), "__metadata__ non-string value");
    variant((h) => (h.__metadata__ = { a: { b: "c" } }), "__metadata__ nested");
    if (header.__metadata__?.["edgetorch.tree"]) {
      for (const tree of ["", "{", "[]", "null", '{"a":{"$t":"nope"}}', '{"$x":1}', '{"a":{"$n":"five"}}']) {
        variant((h) => (h.__metadata__["edgetorch.tree"] = tree), `tree ${tree}`);
      }
    }
    // Duplicate keys (JSON.parse would silently keep the last one).
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
    const first = names[0];
    const dup = text.slice(0, -1) + `,${JSON.stringify(first)}:${JSON.stringify(header[first])}}`;
    check(withHeader(dup, data), tally, `${name}: duplicate ${first}`);
    // Not an object, not JSON, deep nesting, non-UTF-8.
    for (
      const t of [
        "",
        " ",
        "[]",
        "null",
        "1",
        '"x"',
        "{",
        "{}}",
        "{'a':1}",
        "[".repeat(5000),
        '{"a":' + "[".repeat(5000),
      ]
    ) {
      check(withHeader(t, data), tally, `${name}: header ${t.slice(0, 12)}`);
    }
    threw += tally.threw;
    total += tally.threw + tally.loaded;
  }
  // Nearly all of these are invalid; the few that load (e.g. swapping offsets of two tensors of the
  // same size and dtype) passed the independent layout check above.
  assert.ok(threw / total > 0.95, `${threw} of ${total} structured mutations rejected`);
  assert.ok(total > 1000, `only ${total} variants`);
  report("structured mutations", threw, total - threw);
});

Deno.test("fuzz: random garbage and random JSON-looking headers", () => {
  const tally = { threw: 0, loaded: 0 };
  for (let k = 0; k < 300; k++) {
    const len = randInt(200);
    const f = new Uint8Array(len);
    for (let i = 0; i < len; i++) f[i] = randInt(256);
    check(f, tally, `garbage #${k}`);
  }
  const pieces = [
    "{",
    "}",
    "[",
    "]",
    '"a"',
    '"dtype"',
    '"F32"',
    '"shape"',
    '"data_offsets"',
    ":",
    ",",
    "0",
    "8",
    "-1",
    " ",
    "null",
  ];
  for (let k = 0; k < 500; k++) {
    let t = "{";
    const m = randInt(30);
    for (let i = 0; i < m; i++) t += pieces[randInt(pieces.length)];
    check(withHeader(t, new Uint8Array(randInt(3) * 4)), tally, `json-ish #${k}: ${t}`);
  }
  assert.ok(tally.threw > 750);
  report("garbage", tally.threw, tally.loaded);
});

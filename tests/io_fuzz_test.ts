/**
 * Fuzz-style robustness of the safetensors reader: thousands of corrupted files (truncations at
 * every byte, appended bytes, bad header lengths, random byte flips in the header and in the
 * data, structured mutations of the JSON header: offsets out of range, overlapping, shapes and
 * dtypes that do not match, wrong types, duplicate keys; random garbage), and a seeded mix of
 * 2,500 mutations (bit flips, truncation, header-length lies, overlapping and out-of-range
 * offsets, huge shapes and ranks, unknown dtypes, duplicate keys, invalid UTF-8, deep nesting,
 * metadata abuse, headers of very many entries). Files are framed with the library's own writer
 * (`frameSafetensors`).
 *
 * The oracle: every variant either throws an Error whose message starts with the file's name
 * (one of ours, not an internal TypeError or RangeError from an out-of-bounds access), or loads;
 * a variant that loads must be a valid file by an independent check of the layout, and each
 * tensor must hold exactly the bytes its offsets name (no garbage). In the seeded mix every file
 * is also held to a time and memory bound (see boundMs / BOUND_HEAP).
 */
import * as torch from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { frameSafetensors, loadBytes, MAX_TENSORS, parseSafetensors, saveBytes } from "../src/io/mod.ts";
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
  C64: 8, // complex64: (re, im) float32 pairs
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
  return frameSafetensors(text, [data]);
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

// ---------------------------------------------------------------------------------------------
// A seeded mix of mutations, each file held to a time and a memory bound

/**
 * Most milliseconds one variant may take to be loaded or rejected: linear in its size (250 ms plus
 * 4 ms per kilobyte; a 1 MB header of 18,000 empty tensors takes about 2 s on a loaded 2-core CI
 * machine), so a header that makes the reader do superlinear work fails.
 */
const boundMs = (bytes: number) => 250 + 4 * (bytes / 1024);
/** Most bytes the JS heap may grow while one variant is handled (garbage included). */
const BOUND_HEAP = 192 * 2 ** 20;

/** `check` under the per-file bounds. */
function bounded(bytes: Uint8Array, tally: Tally, what: string, opts?: { maxTensors?: number }): void {
  const heap0 = Deno.memoryUsage().heapUsed;
  const t0 = performance.now();
  if (opts) {
    try {
      parseSafetensors(bytes, { name: NAME, ...opts });
      tally.loaded++;
    } catch (e) {
      assert.ok(e instanceof Error && e.message.startsWith(`${NAME}: `), `${what}: ${String(e)}`);
      tally.threw++;
    }
  } else check(bytes, tally, what);
  const ms = performance.now() - t0;
  const heap = Deno.memoryUsage().heapUsed - heap0;
  assert.ok(ms < boundMs(bytes.length), `${what}: took ${ms.toFixed(0)} ms for ${bytes.length} bytes`);
  assert.ok(
    heap < BOUND_HEAP,
    `${what}: the heap grew by ${(heap / 2 ** 20).toFixed(0)} MB for ${bytes.length} bytes`,
  );
}

/** The mutations of the mix, each a function of a valid file and the seeded generator. */
const MUTATIONS: Record<
  string,
  (f: Uint8Array, header: Record<string, unknown>, data: Uint8Array) => Uint8Array
> = {
  "bit flip": (f) => {
    const g = f.slice();
    for (let j = 1 + randInt(4); j > 0; j--) {
      const pos = randInt(g.length);
      g[pos] ^= 1 << randInt(8);
    }
    return g;
  },
  "truncation": (f) => f.subarray(0, randInt(f.length)),
  "header-length lie": (f) => {
    const g = f.slice();
    const n = headerLen(f);
    const lies = [
      n + 1 + randInt(64),
      Math.max(0, n - 1 - randInt(n)),
      randInt(2 ** 31),
      2 ** 32 + n,
      1e8 + randInt(100),
    ];
    new DataView(g.buffer).setBigUint64(0, BigInt(lies[randInt(lies.length)]), true);
    return g;
  },
  "overlapping offsets": (_f, h, data) => {
    const k = pickTensor(h);
    const e = h[k] as { data_offsets: number[] };
    const shift = 1 + randInt(8);
    e.data_offsets = [Math.max(0, e.data_offsets[0] - shift), e.data_offsets[1] - shift];
    return withHeader(JSON.stringify(h), data);
  },
  "out-of-range offsets": (_f, h, data) => {
    const k = pickTensor(h);
    const e = h[k] as { data_offsets: number[] };
    const huge = [data.length + 1 + randInt(100), 2 ** 53, 2 ** 32 + 4, -1 - randInt(5)];
    e.data_offsets = randInt(2)
      ? [e.data_offsets[0], huge[randInt(huge.length)]]
      : [huge[randInt(huge.length)], e.data_offsets[1]];
    return withHeader(JSON.stringify(h), data);
  },
  "huge shape": (_f, h, data) => {
    const k = pickTensor(h);
    const shapes = [[2 ** 31, 2 ** 31], [2 ** 53], [1e308], Array(65).fill(1), Array(1000).fill(2), [
      2 ** 20,
      2 ** 20,
      2 ** 20,
      0,
    ]];
    (h[k] as { shape: unknown }).shape = shapes[randInt(shapes.length)];
    return withHeader(JSON.stringify(h), data);
  },
  "unknown dtype": (_f, h, data) => {
    const k = pickTensor(h);
    const dts = ["F128", "f32", "F8_E4M3", "Q4", "", "\u0000", "F32 ", "C128", "X".repeat(5000)];
    (h[k] as { dtype: unknown }).dtype = dts[randInt(dts.length)];
    return withHeader(JSON.stringify(h), data);
  },
  "duplicate key": (_f, h, data) => {
    const text = JSON.stringify(h);
    const k = pickTensor(h);
    return withHeader(text.slice(0, -1) + `,${JSON.stringify(k)}:${JSON.stringify(h[k])}}`, data);
  },
  "invalid UTF-8": (f) => {
    const n = headerLen(f);
    const g = f.slice();
    const bad = [[0xc0, 0x80], [0x80], [0xff], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]];
    const seq = bad[randInt(bad.length)];
    const pos = 8 + 2 + randInt(Math.max(1, n - 2 - seq.length));
    g.set(seq, Math.min(pos, 8 + n - seq.length));
    return g;
  },
  "deep nesting": (_f, h, data) => {
    const depth = 60 + randInt(5000);
    const k = pickTensor(h);
    const text = JSON.stringify(h).replace(
      `${JSON.stringify(k)}:{`,
      `${JSON.stringify(k)}:{"x":${"[".repeat(depth)}${"]".repeat(depth)},`,
    );
    return withHeader(text, data);
  },
  "metadata abuse": (_f, h, data) => {
    const kinds: (() => unknown)[] = [
      () => "x".repeat(200_000 + randInt(800_000)),
      () => Object.fromEntries(Array.from({ length: 5000 + randInt(20000) }, (_, i) => [`k${i}`, "v"])),
      () => ({ a: 1 }),
      () => ({ a: { b: "c" } }),
      () => ["a", "b"],
      () => ({ ["edgetorch.tree"]: "{".repeat(1 + randInt(3000)) }),
      () => ({ ["edgetorch.tree"]: `{"a":{"$t":"${pickTensor(h)}"},"b":{"$t":"${pickTensor(h)}"}}` }),
      () => ({ __proto__: "x", constructor: "y" }),
    ];
    const meta = kinds[randInt(kinds.length)]();
    const text = JSON.stringify(h);
    return withHeader(
      `{"__metadata__":${JSON.stringify(meta)},${text.slice(1)}`.replace(/,"__metadata__":\{[^}]*\}/, ""),
      data,
    );
  },
};

function pickTensor(h: Record<string, unknown>): string {
  const names = Object.keys(h).filter((k) => k !== "__metadata__");
  return names[randInt(names.length)];
}

Deno.test("fuzz: 2,500 seeded mutations of every kind, each file within a time and memory bound", async () => {
  const all = await bases();
  const kinds = Object.keys(MUTATIONS);
  const byKind = new Map<string, Tally>(kinds.map((k) => [k, { threw: 0, loaded: 0 }]));
  for (let k = 0; k < 2500; k++) {
    const [name, bytes] = all[randInt(all.length)];
    const n = headerLen(bytes);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    const kind = kinds[k % kinds.length];
    const variant = MUTATIONS[kind](bytes, header, bytes.subarray(8 + n));
    bounded(variant, byKind.get(kind)!, `${name} ${kind} #${k}`);
  }
  let total = 0;
  for (const [kind, t] of byKind) {
    total += t.threw + t.loaded;
    assert.ok(t.threw > 0, `${kind}: no variant was rejected`);
    report(`mix: ${kind}`, t.threw, t.loaded);
  }
  assert.ok(total >= 2500);
  // Every kind but the benign ones (flipped data bytes, valid metadata, empty tensors) mostly throws.
  for (
    const kind of [
      "truncation",
      "header-length lie",
      "overlapping offsets",
      "unknown dtype",
      "duplicate key",
      "invalid UTF-8",
    ]
  ) {
    const t = byKind.get(kind)!;
    assert.ok(t.threw / (t.threw + t.loaded) > 0.9, `${kind}: ${t.threw} rejected, ${t.loaded} loaded`);
  }
});

Deno.test("fuzz: header limits: tensor count, JSON values, rank; the default limit is documented", () => {
  assert.equal(MAX_TENSORS, 100_000);
  const tally = { threw: 0, loaded: 0 };
  const empties = (m: number, extra = "") => {
    const parts: string[] = [];
    for (let i = 0; i < m; i++) parts.push(`"e${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    return withHeader(`{${parts.join(",")}${extra}}`, new Uint8Array(0));
  };
  bounded(empties(50), tally, "50 tensors, limit 50", { maxTensors: 50 });
  // Headers of thousands of empty tensors: the work per header byte stays bounded.
  for (const m of [1000, 5000, 20000]) bounded(empties(m), tally, `${m} empty tensors`);
  assert.equal(tally.loaded, 4);
  assert.throws(
    () => parseSafetensors(empties(51), { name: NAME, maxTensors: 50 }),
    /^Error: fuzz\.safetensors: header holds 51 tensors, more than the limit of 50 \(the maxTensors option raises it\)$/,
  );
  // A header of far more JSON values than its tensors need stops while it is parsed.
  const values = withHeader(
    `{"__metadata__":{"a":"b"},"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"x":[${
      "0,".repeat(20_000)
    }0]}}`,
    new Uint8Array(0),
  );
  assert.throws(
    () => parseSafetensors(values, { name: NAME, maxTensors: 10 }),
    /header holds more than 10160 JSON values, too many for a file of at most 10 tensors/,
  );
  assert.throws(
    () =>
      parseSafetensors(
        withHeader(
          `{"w":{"dtype":"F32","shape":[${Array(65).fill(1)}],"data_offsets":[0,4]}}`,
          new Uint8Array(4),
        ),
        { name: NAME },
      ),
    /tensor "w": "shape" has 65 dimensions, more than 64/,
  );
  assert.throws(
    () => parseSafetensors(empties(1), { name: NAME, maxTensors: -1 }),
    /maxTensors must be a non-negative integer/,
  );
});

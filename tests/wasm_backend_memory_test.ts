/**
 * The CPU (wasm) backend, kernel by kernel, through the Backend interface, against plain JavaScript
 * reference computations: the module (base64 decoding, the default build), storages, scratch memory and
 * resident memory (outputs stay in wasm memory; a byte budget spills the least recently used). Every test
 * runs on both kernel builds (relaxed SIMD and plain SIMD); the shared helpers are in
 * tests/wasm_backend_setup.ts.
 */
import assert from "node:assert/strict";
import { WasmBackend, wasmBackend, WasmStorage } from "../src/backends/wasm/backend.ts";
import { Heap, IDLE_EPOCHS, Slot } from "../src/backends/wasm/heap.ts";
import { decodeBase64 } from "../src/backends/wasm/base64.ts";
import { assertExact, each, f32 } from "./wasm_backend_setup.ts";

// ---------------------------------------------------------------------------------------------
// Module, storage

Deno.test("wasm: base64 decoder round-trips", () => {
  const bytes = new Uint8Array(1000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 255;
  for (const n of [0, 1, 2, 3, 4, 5, 999, 1000]) {
    const s = bytes.subarray(0, n);
    let bin = "";
    for (const c of s) bin += String.fromCharCode(c);
    assert.deepEqual(decodeBase64(btoa(bin)), s);
  }
  assert.throws(() => decodeBase64("ab$c"), /invalid character/);
});

Deno.test("wasm: default backend picks relaxed SIMD where supported", () => {
  const b = wasmBackend();
  assert.equal(b, wasmBackend());
  assert.equal(b.device, "cpu");
  assert.equal(b.variant, "relaxed"); // Deno (V8) supports relaxed SIMD
});

each("storage: fromTyped copies, readSync copies, read resolves", async (b) => {
  const src = new Float32Array([1, 2, 3]);
  const s = b.fromTyped(src, "float32");
  src[0] = 99;
  assert.equal(s.numel, 3);
  assert.equal(s.dtype, "float32");
  assert.equal(s.device, "cpu");
  const r = b.readSync(s);
  assert.deepEqual(r, new Float32Array([1, 2, 3]));
  r[1] = 42;
  assert.deepEqual(b.readSync(s), new Float32Array([1, 2, 3]));
  assert.deepEqual(await b.read(s), new Float32Array([1, 2, 3]));
  assert.throws(() => b.fromTyped(new Int32Array(2), "float32"), TypeError);
  assert.throws(() => b.fromTyped(new Float32Array(2), "float16"), TypeError);
  assert.ok(b.fromTyped(new Uint16Array(2), "float16") instanceof WasmStorage);
  assert.ok(b.fromTyped(new Uint8Array(2), "bool") instanceof WasmStorage);
});

each("storage: dispose drops the data and later use throws", async (b) => {
  const s = b.fromTyped(new Float32Array([1, 2]), "float32");
  assert.equal(s.disposed, false);
  s.dispose();
  s.dispose();
  assert.equal(s.disposed, true);
  assert.throws(() => s.data, /storage was disposed/);
  assert.throws(() => b.readSync(s), /storage was disposed/);
  await assert.rejects(() => b.read(s), /storage was disposed/);
  assert.throws(() => b.unary("neg", s), /storage was disposed/);
  assert.throws(() => b.binary("add", s, 1, 2, "float32"), /storage was disposed/);
});

each("full: every dtype", (b) => {
  assert.deepEqual(b.readSync(b.full("float32", 3, 1.5)), new Float32Array([1.5, 1.5, 1.5]));
  assert.deepEqual(b.readSync(b.full("int32", 2, -7)), new Int32Array([-7, -7]));
  assert.deepEqual(b.readSync(b.full("bool", 2, 5)), new Uint8Array([1, 1]));
  assert.deepEqual(b.readSync(b.full("bool", 1, 0)), new Uint8Array([0]));
  assert.deepEqual(b.readSync(b.full("uint8", 2, 200)), new Uint8Array([200, 200]));
  assert.deepEqual(b.readSync(b.full("float16", 4, 1)), new Uint16Array([0x3c00, 0x3c00, 0x3c00, 0x3c00]));
  assert.deepEqual(b.readSync(b.full("float16", 1, -2)), new Uint16Array([0xc000]));
  assert.deepEqual(b.readSync(b.full("float16", 1, 1e6)), new Uint16Array([0x7c00]));
  assert.deepEqual(b.readSync(b.full("float16", 1, NaN)), new Uint16Array([0x7e00]));
  assert.deepEqual(b.readSync(b.full("float16", 1, 6e-8)), new Uint16Array([0x0001]));
  assert.equal(b.full("float32", 0, 1).numel, 0);
});

// ---------------------------------------------------------------------------------------------
// Scratch memory

each("scratch memory grows for big operands and is reused", (b) => {
  const n = 3_000_000;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = i % 1000;
  const s = b.fromTyped(x, "float32");
  const out = b.readSync(b.binary("add", s, s, n, "float32"));
  assert.equal(out[n - 1], 2 * ((n - 1) % 1000));
  for (let i = 0; i < 5; i++) {
    const y = b.readSync(b.binary("mul", s, 2, n, "float32"));
    assert.equal(y[12345], 2 * 345);
  }
  // Small ops after a big one still see fresh data.
  assertExact(b.readSync(b.binary("sub", f32(b, [5, 6]), 1, 2, "float32")), [4, 5], "small after big");
});

// ---------------------------------------------------------------------------------------------
// Resident memory: outputs stay in wasm memory, a byte budget spills the least recently used

const MiB = 1024 * 1024;

Deno.test("wasm memory: kernel outputs are resident and inputs are used in place", () => {
  const b = new WasmBackend({ residentBudget: 8 * MiB });
  const x = b.fromTyped(Float32Array.from([1, 2, 3, 4]), "float32");
  assert.equal(x.resident, false, "fromTyped is a GC-owned copy until a kernel uses it");
  const y = b.binary("mul", x, 2, 4, "float32");
  assert.equal(x.resident, true, "a used input moves in");
  assert.equal(y.resident, true, "outputs are resident");
  const before = b.memoryStats();
  const z = b.binary("add", y, x, 4, "float32");
  assert.deepEqual(b.readSync(z), new Float32Array([3, 6, 9, 12]));
  assert.equal(b.memoryStats().residentCount, before.residentCount + 1, "only the output was added");
  const r = b.readSync(z);
  r[0] = 99;
  assert.deepEqual(b.readSync(z), new Float32Array([3, 6, 9, 12]), "readSync returns a copy");
  z.dispose();
  assert.equal(b.memoryStats().residentBytes, before.residentBytes, "dispose frees the block at once");
});

Deno.test("wasm memory: a small budget spills least recently used storages, values survive", () => {
  const b = new WasmBackend({ residentBudget: 1 * MiB });
  const n = 64 * 1024; // 256 KiB per storage
  const x = b.fromTyped(Float32Array.from({ length: n }, (_, i) => i), "float32");
  const kept = [];
  for (let i = 0; i < 12; i++) kept.push(b.binary("add", x, i, n, "float32"));
  const s = b.memoryStats();
  assert.ok(s.residentBytes <= 1 * MiB, `resident ${s.residentBytes} over the budget`);
  assert.ok(s.spills >= 8, `expected spills, got ${s.spills}`);
  assert.equal(kept[0].resident, false, "the oldest result was spilled");
  assert.equal(x.resident, true, "the hot input stays resident");
  for (let i = 0; i < 12; i++) {
    const v = b.readSync(kept[i]);
    assert.equal(v[0], i);
    assert.equal(v[n - 1], n - 1 + i);
  }
  // A spilled input comes back in on use.
  const y = b.binary("sub", kept[0], x, n, "float32");
  assert.equal(kept[0].resident, true);
  assert.equal(b.readSync(y)[n - 1], 0);
});

Deno.test("wasm memory: 10,000 dropped results keep wasm memory within budget + one call", () => {
  const budget = 2 * MiB;
  const b = new WasmBackend({ residentBudget: budget });
  const n = 50_000;
  const x = b.fromTyped(Float32Array.from({ length: n }, (_, i) => i % 7), "float32");
  let maxBytes = 0;
  for (let i = 0; i < 10_000; i++) {
    const y = b.unary("relu", b.binary("mul", x, 1.5, n, "float32"));
    b.reduce("sum", y, 1, n, 1);
    if (i % 500 === 0) maxBytes = Math.max(maxBytes, b.memoryStats().wasmBytes);
  }
  const s = b.memoryStats();
  const bound = s.heapBase + budget + 2 * n * 4 + 2 * 65536;
  assert.ok(s.wasmBytes <= bound, `wasm memory ${s.wasmBytes} over ${bound}`);
  assert.ok(maxBytes <= bound);
  assert.ok(s.residentBytes <= budget);
});

Deno.test("wasm memory: setResidentBudget spills at once; budget 0 still computes", () => {
  const b = new WasmBackend();
  const xs = Array.from({ length: 4 }, (_, i) => b.full("float32", 1000, i));
  assert.ok(xs.every((x) => x.resident));
  b.setResidentBudget(0);
  assert.equal(b.residentBudget, 0);
  assert.equal(b.memoryStats().residentBytes, 0);
  const y = b.binary("add", xs[2], xs[3], 1000, "float32");
  assert.deepEqual(b.readSync(y).slice(0, 2), new Float32Array([5, 5]));
  assert.throws(() => b.setResidentBudget(-1), RangeError);
  assert.throws(() => new WasmBackend({ residentBudget: 0.5 }), RangeError);
});

Deno.test("wasm memory: a large spilled source is gathered row by row without moving in", () => {
  const b = new WasmBackend({ residentBudget: 1 * MiB });
  const rows = 2000, inner = 100; // 800 KB: over a quarter of the budget
  const src = Float32Array.from({ length: rows * inner }, (_, i) => i);
  const x = b.fromTyped(src, "float32");
  const idx = b.fromTyped(Int32Array.from([5, 1999, 0, 5]), "int32");
  const out = b.readSync(b.gather(x, idx, 1, rows, inner, 4, true));
  assert.equal(x.resident, false, "the large source stayed out of the cache");
  for (const [j, r] of [5, 1999, 0, 5].entries()) {
    assert.deepEqual(out.subarray(j * inner, (j + 1) * inner), src.subarray(r * inner, (r + 1) * inner));
  }
  // 2-d gather and bad indices on the same path.
  const g = b.fromTyped(Int32Array.from({ length: 2 * inner }, (_, i) => (i * 37) % rows), "int32");
  const got = b.readSync(b.gather(x, g, 1, rows, inner, 2, false));
  for (let q = 0; q < 2 * inner; q++) assert.equal(got[q], src[((q * 37) % rows) * inner + (q % inner)]);
  const bad = b.fromTyped(Int32Array.from([3, rows]), "int32");
  assert.throws(() => b.gather(x, bad, 1, rows, inner, 2, true), /index 2000 is out of bounds/);
  // Other kernels read a temporary copy of a large spilled input.
  const s = b.reduce("sum", x, rows, inner, 1);
  assert.equal(b.readSync(s)[1], src.subarray(inner, 2 * inner).reduce((a, v) => a + v, 0));
  assert.equal(x.resident, false);
});

Deno.test("wasm memory: in-place copies into resident, spilled and large destinations", () => {
  const b = new WasmBackend({ residentBudget: 64 * 1024 });
  const big = b.fromTyped(new Float32Array(8192), "float32"); // 32 KB: large for this budget
  const src = b.fromTyped(Float32Array.from({ length: 16 }, (_, i) => i + 1), "float32");
  // Strided (wasm) path into a large spilled destination: written back to its GC-owned copy.
  b.copy(src, 0, [4, 1], big, 100, [1, 4], [4, 4]);
  const v = b.readSync(big);
  assert.equal(v[100], 1);
  assert.equal(v[101], 5);
  assert.equal(v[104], 2);
  assert.equal(big.resident, false);
  // Into a resident destination (its clean copy is dropped, so a later spill copies out).
  const d = b.binary("mul", src, 0, 16, "float32");
  b.copy(src, 0, [4, 1], d, 0, [1, 4], [4, 4]);
  b.copy(src, 15, [1], d, 15, [1], [1]);
  b.setResidentBudget(0);
  assert.equal(d.resident, false);
  assert.deepEqual(Array.from(b.readSync(d)).slice(0, 5), [1, 5, 9, 13, 2]);
  assert.equal(b.readSync(d)[15], 16);
  // Within one storage: the kernel reads a snapshot.
  const t = b.fromTyped(Float32Array.from([1, 2, 3, 4]), "float32");
  b.copy(t, 0, [2, 1], t, 0, [1, 2], [2, 2]);
  assert.deepEqual(b.readSync(t), new Float32Array([1, 3, 2, 4]));
});

Deno.test("wasm memory: storages move between backend instances", () => {
  const a = new WasmBackend({ variant: "simd" }), c = new WasmBackend({ variant: "relaxed" });
  const x = a.binary("add", a.fromTyped(Float32Array.from([1, 2]), "float32"), 1, 2, "float32");
  const y = c.binary("mul", x, 10, 2, "float32");
  assert.deepEqual(c.readSync(y), new Float32Array([20, 30]));
  assert.deepEqual(a.readSync(x), new Float32Array([2, 3]));
  assert.equal(a.memoryStats().residentCount, 1, "only the input of the first call is left in a");
});

Deno.test("wasm memory: dropped tracked storages are freed by the finalization registry", async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return; // needs --expose-gc (deno task test passes it)
  const b = new WasmBackend();
  const x = b.full("float32", 1000, 1);
  const base = b.memoryStats().residentCount;
  // The library tracks the storages the user or a graph holds (temporaries are freed by the call
  // that made them, never registered); a tracked storage dropped unused goes with the collector.
  for (let i = 0; i < 100; i++) b.binary("add", x, i, 1000, "float32")._track();
  assert.equal(b.memoryStats().residentCount, base + 100);
  for (let round = 0; round < 20 && b.memoryStats().residentCount > base; round++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(b.memoryStats().residentCount, base, "every dropped output was freed");
});

Deno.test("wasm heap: a freed block is reused for its size, and kept blocks merge before the heap grows", () => {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const heap = new Heap(mem, 1024, 1 * MiB);
  heap.begin();
  const a = heap.temp(1000);
  heap.end();
  heap.begin();
  assert.equal(heap.temp(1000), a, "the same size again gets the block just freed");
  heap.end();
  // Four adjacent 1 KiB blocks, freed: a 4 KiB request takes their merged space, not new memory.
  heap.begin();
  const blocks = [0, 1, 2, 3].map(() => heap.temp(1024));
  heap.end();
  const top = heap.top;
  heap.begin();
  assert.equal(heap.temp(4096), blocks[0]);
  assert.equal(heap.top, top);
  heap.end();
});

Deno.test("wasm heap: before growing, an idle storage's block is reused and the quick lists stay as they are", () => {
  // A plain loop drops a result or two each step: once idle, each is spilled and its block serves
  // the loop's next result of that size. Merging the quick lists into the free lists first (as
  // before) cost a flush and a coalescing allocation per step and left the idle storage resident.
  const mem = new WebAssembly.Memory({ initial: 1 });
  const heap = new Heap(mem, 1024, 1 * MiB);
  const slot = new Slot("float32", 128, null);
  const idlePtr = heap.place(slot, new WasmStorage("float32", slot));
  heap.begin();
  heap.temp(1024);
  const b = heap.temp(2048); // adjacent blocks, both kept in their sizes' quick lists
  heap.end();
  for (let i = 0; i < IDLE_EPOCHS; i++) {
    heap.begin();
    heap.end();
  }
  heap.begin();
  assert.equal(heap.temp(512), idlePtr, "the idle storage's block, not the merged quick blocks");
  assert.ok(slot.ptr < 0 && slot.host !== null, "the idle storage was spilled");
  assert.equal(heap.temp(2048), b, "the quick list of 2048 still holds its block");
  heap.end();
});

Deno.test("wasm heap: a large idle storage stays resident when merging the quick lists makes room", () => {
  const mem = new WebAssembly.Memory({ initial: 4 });
  const heap = new Heap(mem, 1024, 4 * MiB);
  const slot = new Slot("float32", 32 * 1024, null); // 128 KiB, above the small-idle limit
  heap.place(slot, new WasmStorage("float32", slot));
  heap.begin();
  const a = heap.temp(1024);
  heap.temp(2048); // adjacent to a: merged, they hold 3 KiB
  heap.end();
  for (let i = 0; i < IDLE_EPOCHS; i++) {
    heap.begin();
    heap.end();
  }
  heap.begin();
  assert.equal(heap.temp(3000), a, "the merged quick blocks");
  assert.ok(slot.ptr >= 0, "the large idle storage was not spilled (a copy of 128 KiB)");
  heap.end();
});

/**
 * Tensors share frozen shape and stride arrays (src/shape.ts `frozenDims`): equal dimensions give
 * the same frozen array, a tensor's shape cannot be changed through it, and once the shared
 * table is full new lists are still frozen copies (checked in this file's own process state: the
 * last test fills the table).
 */
import assert from "node:assert/strict";
import * as torch from "../mod.ts";
import { contiguousStrides, frozenContiguousStrides, frozenDims } from "../src/shape.ts";

Deno.test("frozenDims: equal lists share one frozen array; strides too", () => {
  const a = frozenDims([3, 4, 5]);
  assert.ok(Object.isFrozen(a));
  assert.deepEqual(a, [3, 4, 5]);
  assert.equal(frozenDims([3, 4, 5]), a);
  assert.notEqual(frozenDims([3, 4]), a);
  assert.deepEqual(frozenDims([3, 4]), [3, 4]);
  assert.deepEqual(frozenDims([]), []);
  const s = frozenContiguousStrides([3, 4, 5]);
  assert.deepEqual(s, contiguousStrides([3, 4, 5]));
  assert.ok(Object.isFrozen(s));
  assert.equal(frozenContiguousStrides([3, 4, 5]), s);
  // A caller's array is copied, never frozen in place.
  const mine = [7, 8];
  frozenDims(mine);
  mine[0] = 9;
  assert.deepEqual(frozenDims([7, 8]), [7, 8]);
});

Deno.test("tensors: shapes and strides are frozen and shared; writing to them throws", () => {
  const x = torch.zeros(2, 3), y = torch.ones(2, 3);
  assert.equal(x.shape, y.shape);
  assert.equal(x._strides, y._strides);
  assert.throws(() => {
    (x.shape as number[])[0] = 5;
  }, TypeError);
  assert.deepEqual(x.shape, [2, 3]);
  const t = x.t();
  assert.deepEqual([t.shape, t.stride()], [[3, 2], [1, 3]]);
  assert.ok(Object.isFrozen(t._strides));
});

Deno.test("frozenDims: past the shared table's capacity, lists are still frozen copies", () => {
  const made: (readonly number[])[] = [];
  for (let i = 0; i < 20_000; i++) made.push(frozenDims([1_000_000 + i, 3]));
  for (let i = 0; i < made.length; i += 997) {
    assert.deepEqual(made[i], [1_000_000 + i, 3]);
    assert.ok(Object.isFrozen(made[i]));
  }
  const late = frozenDims([5_000_000, 2]);
  assert.deepEqual(late, [5_000_000, 2]);
  assert.ok(Object.isFrozen(late));
  const x = torch.zeros(4, 1);
  assert.deepEqual([x.shape, x.stride()], [[4, 1], [1, 1]]);
  assert.ok(Object.isFrozen(x.shape) && Object.isFrozen(x._strides));
});

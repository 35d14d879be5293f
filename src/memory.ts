/**
 * Which storages are new: the bookkeeping behind `torch.scope` (release what a block created)
 * and the backward pass (release what its formulas created). A storage counts as created at the
 * moment a tensor first wraps it. Storages held by long-lived objects (parameters, buffers,
 * gradients, optimizer state) are marked kept, so no scope releases them.
 * @module
 */
import type { Storage } from "./backends/backend.ts";

/** Every storage a tensor has wrapped (so a storage seen for the first time is a new one). */
const seenStorages = new WeakSet<Storage>();
/** Where the storages wrapped for the first time go, while a collector is installed. */
let collector: Set<Storage> | null = null;
/** The collectors of the open scopes, innermost last. */
const openScopes: Set<Storage>[] = [];

/** Called by the Tensor constructor for every storage it wraps. */
export function noteStorage(s: Storage): void {
  if (seenStorages.has(s)) return;
  seenStorages.add(s);
  collector?.add(s);
}

/**
 * Installs `into` (or null) as the collector of storages created from now on; returns the
 * previous collector, to be reinstalled when done.
 */
export function collectNewStorages(into: Set<Storage> | null): Set<Storage> | null {
  const prev = collector;
  collector = into;
  return prev;
}

/** Opens a scope: storages created from now on are collected in the returned set. */
export function openScope(): { created: Set<Storage>; prev: Set<Storage> | null } {
  const created = new Set<Storage>();
  openScopes.push(created);
  return { created, prev: collectNewStorages(created) };
}

/**
 * Closes the innermost scope: releases what it created except `survivors`, which join the
 * enclosing scope (or the enclosing collector) so that it can release them in turn.
 */
export function closeScope(
  opened: { created: Set<Storage>; prev: Set<Storage> | null },
  survivors: Set<Storage>,
): void {
  collectNewStorages(opened.prev);
  openScopes.pop();
  for (const s of opened.created) {
    if (survivors.has(s)) opened.prev?.add(s);
    else s.dispose();
  }
}

/** Storages marked as outliving every scope (parameters, buffers, optimizer state, `keep()`). */
const pinned = new WeakSet<Storage>();

/** Takes `s` out of every open scope for good: it outlives them (a parameter, a buffer, state). */
export function keepStorage(s: Storage): void {
  pinned.add(s);
  for (const created of openScopes) created.delete(s);
}

/** How many tensors hold each storage as their `.grad`. */
const gradHolders = new WeakMap<Storage, number>();

/**
 * Records that a `.grad` changed from `prev` to `next`. A gradient storage no tensor holds any
 * more (dropped by `zeroGrad()`, or replaced) goes to the innermost open scope, which releases it
 * unless it is returned or kept: without this every step inside a scope would leave the previous
 * step's gradients to the garbage collector.
 */
export function noteGradChange(prev: Storage | null, next: Storage | null): void {
  if (prev === next) return;
  if (next !== null) {
    for (const created of openScopes) created.delete(next);
    gradHolders.set(next, (gradHolders.get(next) ?? 0) + 1);
  }
  if (prev !== null) {
    const left = (gradHolders.get(prev) ?? 1) - 1;
    if (left > 0) gradHolders.set(prev, left);
    else {
      gradHolders.delete(prev);
      // A pinned storage (a parameter's data used as a gradient, say) stays.
      if (!pinned.has(prev)) openScopes[openScopes.length - 1]?.add(prev);
    }
  }
}

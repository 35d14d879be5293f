/**
 * Version counters of storages: every in-place write bumps one, and the graph compares them with
 * what it saw when it saved a value (PyTorch's "modified by an inplace operation" check).
 * @module
 */
import type { Storage } from "../backends/backend.ts";

/** How many in-place writes a storage has seen. */
export function versionOf(s: Storage): number {
  return s._version;
}

/** Records an in-place write to `s`. */
export function bumpVersion(s: Storage): void {
  s._version++;
}

/**
 * Checks found on the device: index bounds the GPU verifies while it runs an op, read back lazily
 * (see the module documentation of `backend.ts`).
 * @module
 */

/** Slots (4 words each) per error page. */
export const SLOTS_PER_PAGE = 256;
/** Pending checks that start a background resolution. */
export const MAX_PENDING_CHECKS = 1024;

/**
 * A check the GPU runs for one op: its kernel flags bad elements in the check's slot of the error
 * pages (word 0: failed, word 1: ~position of the first bad element, word 3: its bits). Storages
 * computed from the op's result carry the check (`WebGPUStorage._checks`).
 */
export class DeviceCheck {
  /** Order of creation (the earliest failure is reported first). */
  readonly seq: number;
  /** Global slot index while pending or resolving; -1 once resolved. */
  slot: number;
  /** Set once resolved with a bad element: makes the error (a fresh object per read). */
  failure: (() => Error) | null = null;
  /** True once the slot was read back. */
  resolved = false;
  /** The read that resolves it, once one started. */
  resolving: Promise<void> | null = null;
  readonly #makeError: (bits: number) => Error;

  /** @internal made by the backend */
  constructor(seq: number, slot: number, makeError: (bits: number) => Error) {
    this.seq = seq;
    this.slot = slot;
    this.#makeError = makeError;
  }

  /** @internal records the slot's words (failed flag, position, value bits) */
  _settle(words: Uint32Array): void {
    this.resolved = true;
    this.slot = -1;
    if (words[0] !== 0) {
      const bits = words[3];
      this.failure = () => this.#makeError(bits);
    }
  }
}

/** The checks of `lists` that may still fail, deduplicated, or null when none. */
export function liveChecks(lists: (readonly DeviceCheck[] | null)[]): DeviceCheck[] | null {
  let seen: Set<DeviceCheck> | null = null;
  for (const list of lists) {
    if (!list) continue;
    for (const c of list) {
      if (c.resolved && !c.failure) continue;
      (seen ??= new Set()).add(c);
    }
  }
  return seen ? [...seen] : null;
}

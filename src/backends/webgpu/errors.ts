/**
 * WebGPU reports errors asynchronously: a shader that fails to compile yields an invalid pipeline,
 * every command buffer that uses it is dropped, and the results read back as whatever the buffers
 * held. {@link GpuErrors} turns that into thrown errors: pipeline creation and each submission run
 * inside error scopes (validation, out-of-memory, internal), the device's uncaptured errors are
 * caught too, and the first error fails the backend: reads and syncs that follow wait for the
 * pending scopes and throw it, and every later op throws it at once. A failed backend stays failed
 * (tensors computed since the error hold unreliable values); a failing kernel is a bug of the
 * library or of the WebGPU implementation, never of the caller's input, which is checked before
 * anything is encoded.
 * @module
 */

const SCOPES = ["validation", "out-of-memory", "internal"] as const;

/** Why a kernel failed to compile: `line:col message` for each error, with the source line. */
export async function compilationErrors(module: GPUShaderModule, code: string): Promise<string | null> {
  let info: GPUCompilationInfo;
  try {
    info = await module.getCompilationInfo();
  } catch {
    return null;
  }
  const lines = code.split("\n");
  const errors = info.messages.filter((m) => m.type === "error").map((m) => {
    const text = m.message.trim().split("\n")[0];
    const src = m.lineNum > 0 ? lines[m.lineNum - 1]?.trim() : undefined;
    return `${m.lineNum}:${m.linePos}: ${text}${src ? ` (in \`${src}\`)` : ""}`;
  });
  return errors.length > 0 ? errors.slice(0, 3).join("; ") : null;
}

/** The error state of one backend (see the module documentation). */
export class GpuErrors {
  readonly #device: GPUDevice;
  /** The earliest error so far: scopes number their errors in the order they were opened. */
  #failure: { seq: number; message: string } | null = null;
  #seq = 0;
  #pending = new Set<Promise<void>>();

  /** Watches `device`'s uncaptured errors from now on. */
  constructor(device: GPUDevice) {
    this.#device = device;
    device.addEventListener("uncapturederror", (ev) => {
      this.fail(`WebGPU error: ${(ev as GPUUncapturedErrorEvent).error.message.trim()}`);
    });
  }

  /** The first error recorded, or null. */
  get failure(): string | null {
    return this.#failure?.message ?? null;
  }

  /**
   * Records an error; the earliest one is kept (`seq`: when it happened; default now). A kernel
   * that fails to compile is reported before the batch it made invalid, though its message takes
   * longer to gather.
   */
  fail(message: string, seq: number = ++this.#seq): void {
    if (this.#failure === null || seq < this.#failure.seq) this.#failure = { seq, message };
  }

  /**
   * Runs `fn` (synchronous WebGPU calls) inside error scopes. An error they report is recorded as
   * `describe(error)`'s result (`describe` may look closer, e.g. at a shader's compilation info).
   */
  scoped<T>(fn: () => T, describe: (error: GPUError) => string | Promise<string>): T {
    const d = this.#device;
    const seq = ++this.#seq;
    for (const s of SCOPES) d.pushErrorScope(s);
    try {
      return fn();
    } finally {
      const pops = SCOPES.map(() => d.popErrorScope());
      const done: Promise<void> = Promise.all(pops).then(async (errors) => {
        const e = errors.find((x) => x !== null);
        if (e) this.fail(await describe(e), seq);
      }, (e) => this.fail(`WebGPU error scopes failed: ${(e as Error)?.message ?? e}`, seq)).finally(() => {
        this.#pending.delete(done);
      });
      this.#pending.add(done);
    }
  }

  /** Throws the recorded error, naming `op`. */
  check(op: string): void {
    if (this.#failure !== null) {
      throw new Error(`${op}: the GPU backend failed: ${this.#failure.message}`);
    }
  }

  /** Waits until every scope opened so far has reported, then {@link check}s. */
  async settle(op: string): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    this.check(op);
  }
}

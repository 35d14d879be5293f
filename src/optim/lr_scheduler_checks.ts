/**
 * Argument checks and helpers the learning-rate scheduler files share (internal: kept apart from
 * lr_scheduler_base.ts so that `optim.lrScheduler`, made of `export *` of the scheduler files,
 * holds only the public schedulers).
 * @module
 */
import { Optimizer } from "./optimizer.ts";

/** @internal A deep copy of arrays and plain objects (other values as they are), for state dicts. */
export function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)]));
  }
  return v;
}

/** @internal Throws unless `optimizer` is an `Optimizer`. */
export function checkOptimizer(name: string, optimizer: unknown): asserts optimizer is Optimizer {
  if (!(optimizer instanceof Optimizer)) {
    const got = optimizer === null
      ? "null"
      : typeof optimizer === "object"
      ? (optimizer as object).constructor?.name ?? "object"
      : typeof optimizer;
    throw new TypeError(`${name}: ${got} is not an Optimizer`);
  }
}

/** @internal Throws on a non-object or an unknown option (naming the camelCase form of a snake_case one). */
export function checkOptions(name: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(
      `${name}: options must be an object, got ${options === null ? "null" : typeof options}`,
    );
  }
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) {
      const camel = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      const hint = camel !== k && known.includes(camel) ? ` (options are camelCase: "${camel}")` : "";
      throw new TypeError(`${name}: unknown option "${k}"${hint}; known options: ${known.join(", ")}`);
    }
  }
}

/** @internal Throws `name: message` as a RangeError unless `ok`. */
export function need(ok: boolean, name: string, message: string): void {
  if (!ok) throw new RangeError(`${name}: ${message}`);
}

/** @internal Whether `v` is an integer > 0. */
export const isPositiveInt = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v > 0;

/** @internal One value per param group: `v` for each, or the array `v` (one per group, checked). */
export function perGroup(name: string, what: string, optimizer: Optimizer, v: number | number[]): number[] {
  if (Array.isArray(v)) {
    if (v.length !== optimizer.paramGroups.length) {
      throw new RangeError(
        `${name}: expected ${optimizer.paramGroups.length} values for ${what}, got ${v.length}`,
      );
    }
    return [...v];
  }
  return optimizer.paramGroups.map(() => v);
}

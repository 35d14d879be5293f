/**
 * The backend argument checks moved to `contract.ts` (the backend contract); this module re-exports
 * them for the importers outside `src/backends/` until they import `contract.ts` directly.
 * @module
 */
export * from "./contract.ts";

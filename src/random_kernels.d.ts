/** The random-number kernels (`assembly/random/`), base64; written by `tools/build_wasm.ts`. */
export declare const RANDOM_KERNELS_BASE64: string;

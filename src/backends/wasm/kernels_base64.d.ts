/** One build of the CPU kernels (`assembly/`), base64; written by `tools/build_wasm.ts`. */
export declare const WASM_BASE64: string;

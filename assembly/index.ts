// deno-fmt-ignore-file
// Entry point of the CPU kernels (AssemblyScript, compiled to SIMD WebAssembly by
// tools/build_wasm.ts). Export names are `<op>_<dtype>` (or `<op>_x<bits>` for kernels that only
// move bits), so the op name joins this layer to the TypeScript front end.
export { heap_base, scratch_bytes, set_thread } from "./common";
export * from "./elementwise";
export * from "./copy";
export * from "./cast";
export * from "./reduce";
export * from "./softmax";
export * from "./loss";
export * from "./matmul";
export * from "./indexing";
export * from "./conv";
export * from "./conv_gemm";
export * from "./pool";
export * from "./sort";
export * from "./optim";
export * from "./float64";
export * from "./numerics";
export * from "./random";
export * from "./ops_more";
export * from "./linalg";
export * from "./decomp";
export * from "./elementwise_math";
export * from "./special";
export * from "./scans";
export * from "./ldl";
export * from "./gelu";
export * from "./fft";
export * from "./complex";

// The Worker's entry module. In Cloudflare Workers (and workerd) a `.wasm` import is a compiled
// WebAssembly.Module and a data module an ArrayBuffer: wrangler bundles them by its default
// rules for .wasm and with `[[rules]] type = "Data"` for .safetensors; workerd lists them as
// `wasm` and `data` modules (see tools/edge/workerd.ts). Both files sit beside the bundle:
// kernels_relaxed.wasm from src/backends/wasm/, digits_mlp.safetensors from `deno task train`.
import kernels from "./kernels_relaxed.wasm";
import model from "./digits_mlp.safetensors";
import { createApp } from "./app.ts";

export default createApp({ kernels, model });

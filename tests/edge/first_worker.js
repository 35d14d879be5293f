// The Worker whose start-up `deno task edge:workerd` times: what a user deploys for one result,
// importing by name (so the bundler keeps only what the Worker uses), the kernels handed over as
// a compiled module. GET / answers the first result (randn(64, 64).matmul(...) and a read).
import kernels from "./kernels_relaxed.wasm";
import { init, randn } from "../../mod.ts";

export default {
  async fetch() {
    await init({ wasm: kernels });
    const a = randn(64, 64);
    return new Response(JSON.stringify({ value: a.matmul(a).sum().item() }), {
      headers: { "content-type": "application/json" },
    });
  },
};

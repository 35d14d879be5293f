// The Worker `deno task edge:workerd` serves: the example (examples/worker/app.ts) plus two check
// routes. GET /first: the first result of the isolate (randn(64, 64).matmul(...) and a read);
// GET /scenario: the shared scenario (tests/edge/scenario.ts), compared with Deno's CPU run.
import kernels from "./kernels_relaxed.wasm";
import model from "./digits_mlp.safetensors";
import * as torch from "../../mod.ts";
import { createApp } from "../../examples/worker/app.ts";
import { runScenario } from "./scenario.ts";

const app = createApp({ kernels, model });
const json = (body) =>
  new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    try {
      if (pathname === "/first") {
        await torch.init({ wasm: kernels });
        const a = torch.randn(64, 64);
        return json({ value: a.matmul(a).sum().item() });
      }
      if (pathname === "/scenario") {
        await torch.init({ wasm: kernels });
        return json(await runScenario(torch, "cpu"));
      }
    } catch (e) {
      return json({ error: `${e.message}\n${e.stack}` });
    }
    return app.fetch(request);
  },
};

/**
 * A Cloudflare Worker that serves the digits MLP trained by `deno task train` (its safetensors
 * file is bundled with the Worker as a data module) and takes training steps:
 *
 *   POST /predict  {"images": [[64 pixels, 0..16], ...]}           -> {"classes", "probabilities"}
 *   POST /train    {"images": [...], "labels": [...], "lr": 0.05}   -> {"lossBefore", "lossAfter"}
 *
 * Workers may not compile WebAssembly from bytes, so the CPU kernels arrive as a compiled module
 * (a `.wasm` import) and are handed to `torch.init` before the first op. `index.js` is the entry
 * that imports both files; `deno task edge:workerd` bundles it with esbuild and serves it with
 * workerd on 127.0.0.1.
 * @module
 */
import * as torch from "../../mod.ts"; // "@edgetorch/torch" in your Worker
// Namespaces from their own entries ("@edgetorch/torch/nn", ".../optim"): a bundler keeps only
// the layers used, where `import { nn } from "@edgetorch/torch"` would keep all of them.
import * as nn from "../../src/nn/mod.ts";
import * as optim from "../../src/optim/mod.ts";

/** What the entry module imports and hands over. */
export interface WorkerAssets {
  /** `kernels_relaxed.wasm` (or `kernels_simd.wasm`), imported as a compiled module. */
  kernels: WebAssembly.Module;
  /** `digits_mlp.safetensors` from `deno task train`, imported as data. */
  model: ArrayBuffer;
}

/** The MLP of examples/train.ts (same layers, so the same state-dict keys). */
export function digitsMlp(): nn.Sequential {
  return new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(64, 128),
    new nn.ReLU(),
    new nn.Linear(128, 64),
    new nn.ReLU(),
    new nn.Linear(64, 10),
  );
}

/** Images as the digits data set gives them to the model: float32 `[n, 1, 8, 8]`, pixels / 16. */
export function imagesTensor(images: number[][]): torch.Tensor {
  if (
    !Array.isArray(images) || images.length === 0 ||
    images.some((im) => !Array.isArray(im) || im.length !== 64)
  ) {
    throw new RangeError("images must be a non-empty array of 64-pixel arrays (8x8 digits, values 0..16)");
  }
  return torch.tensor(images, { dtype: "float32" }).div(16).reshape(images.length, 1, 8, 8);
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** The Worker's handler for `assets` (the default export of the entry module). */
export function createApp(assets: WorkerAssets): { fetch(request: Request): Promise<Response> } {
  let model: nn.Sequential | null = null;
  let ready: Promise<void> | null = null;
  const load = async () => {
    await torch.init({ wasm: assets.kernels });
    model = digitsMlp();
    model.loadStateDict(torch.loadBytes(new Uint8Array(assets.model)));
    model.eval();
  };
  return {
    async fetch(request: Request): Promise<Response> {
      ready ??= load();
      await ready;
      const net = model!;
      const url = new URL(request.url);
      try {
        if (url.pathname === "/predict" && request.method === "POST") {
          const { images } = await request.json() as { images: number[][] };
          const probs = torch.noGrad(() => net(imagesTensor(images)).softmax(1));
          return json({ classes: probs.argmax(1).toArray(), probabilities: probs.toArray() });
        }
        if (url.pathname === "/train" && request.method === "POST") {
          const { images, labels, lr = 0.05 } = await request.json() as {
            images: number[][];
            labels: number[];
            lr?: number;
          };
          const x = imagesTensor(images), y = torch.tensor(labels, { dtype: "int32" });
          const criterion = new nn.CrossEntropyLoss();
          const optimizer = new optim.SGD(net.parameters(), { lr });
          net.train();
          optimizer.zeroGrad();
          const loss = criterion(net(x), y);
          loss.backward();
          optimizer.step();
          net.eval();
          const after = torch.noGrad(() => criterion(net(x), y));
          return json({ lossBefore: loss.item(), lossAfter: after.item() });
        }
        return json({ routes: ["POST /predict", "POST /train"] }, url.pathname === "/" ? 200 : 404);
      } catch (e) {
        return json({ error: (e as Error).message }, 400);
      }
    },
  };
}

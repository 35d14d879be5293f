/**
 * The program every runtime check runs (Node 22 on the TypeScript source, Node 20 on the bundle,
 * workerd, headless Chromium on CPU and WebGPU, a `deno compile`d binary): a small CNN's forward
 * pass, a backward pass, a few SGD-with-momentum steps and a safetensors save/load round trip,
 * all from a fixed seed. The caller passes the library it imported (source or bundle), so one
 * file serves every runtime; the results are plain JSON, compared with Deno's CPU run by
 * {@link compareScenario}. Runtime-neutral: no Deno, Node or DOM APIs.
 * @module
 */
import type * as Torch from "../../mod.ts";

/** What the scenario computed (plain numbers, for JSON). */
export interface ScenarioResult {
  device: string;
  /** The wasm build the CPU backend used (`relaxed` or `simd`), when it is known. */
  variant?: string;
  forward: number[];
  loss: number;
  /** Gradients by parameter name after the first backward pass. */
  grads: Record<string, number[]>;
  /** Loss at each training step (before its update). */
  losses: number[];
  /** Model output after the steps, and after saving and reloading the state into a fresh model. */
  trained: number[];
  reloaded: number[];
  /** Size of the safetensors file. */
  savedBytes: number;
  /** Why CPU kernels run on one thread there (`torch.cpu.threadingReason()`; null: threads may run). */
  threadingReason?: string | null;
}

function model(torch: typeof Torch) {
  const { nn } = torch;
  return new nn.Sequential(
    new nn.Conv2d(1, 3, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(3 * 3 * 3, 8),
    new nn.Tanh(),
    new nn.Linear(8, 4),
  );
}

/** Runs the scenario on `device` with the library `torch` (see the module documentation). */
export async function runScenario(
  torch: typeof Torch,
  device: Torch.Device = "cpu",
): Promise<ScenarioResult> {
  const { nn, optim } = torch;
  const flat = async (t: Torch.Tensor) => Array.from(await t.detach().dataAsync() as Float32Array);
  torch.manualSeed(0);
  const net = model(torch).to(device);
  const x = torch.randn(5, 1, 6, 6).to(device);
  const y = torch.tensor([0, 1, 2, 3, 1]).to(device);
  const criterion = new nn.CrossEntropyLoss();

  const out = net(x);
  const loss = criterion(out, y);
  loss.backward();
  const grads: Record<string, number[]> = {};
  for (const [name, p] of net.namedParameters()) grads[name] = await flat(p.grad!);

  const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  const losses: number[] = [];
  for (let step = 0; step < 4; step++) {
    opt.zeroGrad();
    const l = criterion(net(x), y);
    l.backward();
    opt.step();
    losses.push(await l.itemAsync());
  }
  const trained = await flat(net(x));

  const bytes = await torch.saveBytesAsync(net.stateDict());
  const fresh = model(torch);
  fresh.loadStateDict(torch.loadBytes(bytes));
  const reloaded = await flat(fresh.to(device)(x));
  return {
    device,
    forward: await flat(out),
    loss: await loss.itemAsync(),
    grads,
    losses,
    trained,
    reloaded,
    savedBytes: bytes.length,
    threadingReason: torch.cpu.threadingReason(),
  };
}

/**
 * Differences between `got` and `want` beyond `|a - b| <= atol + rtol * |b|`, one line each
 * (empty when they agree). `reloaded` must equal `trained` exactly within `got` itself.
 */
export function compareScenario(
  got: ScenarioResult,
  want: ScenarioResult,
  rtol: number,
  atol: number,
): string[] {
  const problems: string[] = [];
  const close = (what: string, a: number[], b: number[]) => {
    if (a.length !== b.length) {
      problems.push(`${what}: ${a.length} values, expected ${b.length}`);
      return;
    }
    const i = a.findIndex((v, k) => !(Math.abs(v - b[k]) <= atol + rtol * Math.abs(b[k])));
    if (i >= 0) problems.push(`${what}[${i}]: ${a[i]}, expected ${b[i]}`);
  };
  close("forward", got.forward, want.forward);
  close("loss", [got.loss], [want.loss]);
  for (const k of Object.keys(want.grads)) close(`grad ${k}`, got.grads[k] ?? [], want.grads[k]);
  close("losses", got.losses, want.losses);
  close("trained", got.trained, want.trained);
  close("reloaded (vs expected)", got.reloaded, want.reloaded);
  if (got.reloaded.some((v, i) => v !== got.trained[i])) {
    problems.push("reloaded model differs from the trained one");
  }
  if (got.savedBytes !== want.savedBytes) {
    problems.push(`saved ${got.savedBytes} bytes, expected ${want.savedBytes}`);
  }
  if (!(got.losses[3] < got.losses[0])) {
    problems.push(`training did not reduce the loss: ${got.losses.join(", ")}`);
  }
  return problems;
}

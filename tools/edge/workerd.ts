/**
 * `deno task edge:workerd`: the Worker of `examples/worker/` in workerd (Cloudflare Workers'
 * runtime, npm package `workerd`) on 127.0.0.1. Builds the Worker with esbuild (the library
 * without embedded wasm: the kernels are a `.wasm` module, the model a data module), starts
 * workerd, and checks, against the same computations in Deno:
 * - `/predict` on test images with the model `deno task train` saved (run first when missing);
 * - `/train`: one SGD step's loss before and after;
 * - `/scenario`: forward, backward, training steps, save/load round trip;
 * and times start-up to the first result (`randn(64, 64).matmul(...)` and a read) against a
 * Worker that does nothing, for two Workers: `tests/edge/first_worker.js`, which imports by name
 * what it uses (as a deployed Worker would; the bundler drops the rest of the library), and the
 * check Worker above, which hands the whole `torch` namespace to the scenario (so it carries the
 * whole library). Prints what it got; stops workerd by its pid.
 *
 *   deno task edge:workerd [--workerd PATH] [--model FILE.safetensors] [--runs 3]
 * @module
 */
import * as torch from "../../mod.ts";
import { data } from "../../mod.ts";
import { digitsMlp, imagesTensor } from "../../examples/worker/app.ts";
import type { ScenarioResult } from "../../tests/edge/scenario.ts";
import {
  bundle,
  checkScenario,
  denoReference,
  findCommand,
  flag,
  freePort,
  median,
  OUT,
  report,
  ROOT,
  stopBundler,
  TOL,
} from "./common.ts";

const WORKER_DIR = new URL("worker/", OUT);

function capnp(main: string, port: number, extra: string[]): string {
  const modules = [`(name = "worker.js", esModule = embed "${main}")`, ...extra];
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    ${modules.join(",\n    ")},
  ],
  compatibilityDate = "2025-09-01",
);
`;
}

/** A running workerd and how long it took to give its first `/first` answer. */
interface Served {
  child: Deno.ChildProcess;
  port: number;
  /** Process start to the first successful response of `path`. */
  startToFirstMs: number;
  /** That first response's own latency (the Worker's first op, or nothing for the baseline). */
  firstRequestMs: number;
  first: unknown;
  log: string;
}

async function serve(workerd: string, config: string, port: number, path: string): Promise<Served> {
  const logPath = new URL(`${config.split("/").pop()}.log`, WORKER_DIR).pathname;
  const log = await Deno.open(logPath, { write: true, create: true, truncate: true });
  const t0 = performance.now();
  const child = new Deno.Command(workerd, {
    args: ["serve", config],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Both streams into one log file.
  const out = child.stdout.pipeTo(log.writable, { preventClose: true }).catch(() => {});
  const err = child.stderr.pipeTo(log.writable, { preventClose: true }).catch(() => {});
  void Promise.all([out, err]).finally(() => log.close());
  let exited = false;
  child.status.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`workerd exited early (log: ${logPath})`);
    if (performance.now() - t0 > 60_000) {
      throw new Error(`workerd did not answer within 60 s (log: ${logPath})`);
    }
    const t1 = performance.now();
    try {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      const body = await r.json();
      const t2 = performance.now();
      return { child, port, startToFirstMs: t2 - t0, firstRequestMs: t2 - t1, first: body, log: logPath };
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

async function stop(s: Served): Promise<void> {
  try {
    s.child.kill("SIGTERM");
  } catch {
    // already exited
  }
  await s.child.status;
}

async function post(port: number, path: string, body: unknown): Promise<unknown> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", body: JSON.stringify(body) });
  return await r.json();
}

/** Deno's answers for the same requests, with the same model file. */
function denoAnswers(modelBytes: Uint8Array, images: number[][], labels: number[]) {
  const net = digitsMlp();
  net.loadStateDict(torch.loadBytes(modelBytes));
  net.eval();
  const probs = torch.noGrad(() => net(imagesTensor(images)).softmax(1));
  const predict = {
    classes: probs.argmax(1).toArray() as number[],
    probabilities: probs.toArray() as number[][],
  };
  const x = imagesTensor(images), y = torch.tensor(labels, { dtype: "int32" });
  const criterion = new torch.nn.CrossEntropyLoss();
  const optimizer = new torch.optim.SGD(net.parameters(), { lr: 0.05 });
  net.train();
  optimizer.zeroGrad();
  const loss = criterion(net(x), y);
  loss.backward();
  optimizer.step();
  net.eval();
  const after = torch.noGrad(() => criterion(net(x), y));
  return { predict, train: { lossBefore: loss.item(), lossAfter: after.item() } };
}

function closeArrays(
  what: string,
  got: number[],
  want: number[],
  tol: { rtol: number; atol: number },
): string[] {
  if (!Array.isArray(got) || got.length !== want.length) {
    return [`${what}: got ${JSON.stringify(got)?.slice(0, 200)}`];
  }
  const i = got.findIndex((v, k) => !(Math.abs(v - want[k]) <= tol.atol + tol.rtol * Math.abs(want[k])));
  return i < 0 ? [] : [`${what}[${i}]: ${got[i]}, expected ${want[i]}`];
}

if (import.meta.main) {
  const workerd = await findCommand([flag("workerd", "workerd")]);
  if (!workerd) {
    console.error("edge:workerd: workerd is not installed (npm install workerd; or --workerd PATH)");
    Deno.exit(1);
  }
  const runs = Number(flag("runs", "3"));
  await Deno.mkdir(WORKER_DIR, { recursive: true });
  let modelPath = flag("model", new URL("train/digits_mlp.safetensors", OUT).pathname);
  if (!(await Deno.stat(modelPath).catch(() => null))) {
    console.log(`no ${modelPath}: running deno task train`);
    const trainOut = new URL("train/", OUT).pathname;
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("examples/train.ts", ROOT).pathname, "--out", trainOut],
      stdout: "null",
      stderr: "inherit",
    }).output();
    if (!r.success) Deno.exit(1);
    modelPath = `${trainOut}digits_mlp.safetensors`;
  }
  const modelBytes = await Deno.readFile(modelPath);
  await Deno.copyFile(modelPath, new URL("digits_mlp.safetensors", WORKER_DIR));
  await Deno.copyFile(
    new URL("src/backends/wasm/kernels_relaxed.wasm", ROOT),
    new URL("kernels_relaxed.wasm", WORKER_DIR),
  );
  // tests/edge/worker_check.js imports the example app and the two files as "./...": esbuild
  // leaves those imports to workerd, which finds them among the config's modules.
  const built = await bundle({
    entry: "tests/edge/worker_check.js",
    outfile: "worker/worker.js",
    wasm: "none",
    external: ["./kernels_relaxed.wasm", "./digits_mlp.safetensors"],
  });
  const firstBuilt = await bundle({
    entry: "tests/edge/first_worker.js",
    outfile: "worker/first.js",
    wasm: "none",
    external: ["./kernels_relaxed.wasm"],
  });
  await bundle({ entry: "tests/edge/hello_worker.js", outfile: "worker/hello.js" });
  await stopBundler();
  console.log(
    `worker bundles (no embedded wasm): check Worker ${(built.bytes / 1024).toFixed(0)} KB, ` +
      `named-import Worker ${(firstBuilt.bytes / 1024).toFixed(0)} KB; model ${modelBytes.length} bytes`,
  );

  const port = freePort();
  const cfg = new URL("worker.capnp", WORKER_DIR).pathname;
  await Deno.writeTextFile(
    cfg,
    capnp("worker.js", port, [
      `(name = "kernels_relaxed.wasm", wasm = embed "kernels_relaxed.wasm")`,
      `(name = "digits_mlp.safetensors", data = embed "digits_mlp.safetensors")`,
    ]),
  );
  const helloCfg = new URL("hello.capnp", WORKER_DIR).pathname;
  await Deno.writeTextFile(helloCfg, capnp("hello.js", port, []));
  const firstCfg = new URL("first.capnp", WORKER_DIR).pathname;
  await Deno.writeTextFile(
    firstCfg,
    capnp("first.js", port, [`(name = "kernels_relaxed.wasm", wasm = embed "kernels_relaxed.wasm")`]),
  );

  // Start-up to first result, against the do-nothing Worker, alternating.
  const ours: Served[] = [], named: Served[] = [], base: Served[] = [];
  let ok = true;
  for (let i = 0; i < runs; i++) {
    const b = await serve(workerd, helloCfg, port, "/");
    base.push(b);
    await stop(b);
    const n = await serve(workerd, firstCfg, port, "/");
    named.push(n);
    await stop(n);
    const s = await serve(workerd, cfg, port, "/first");
    ours.push(s);
    if (i < runs - 1) await stop(s);
  }
  const live = ours.at(-1)!;
  console.log(`workerd pid ${live.child.pid} on http://127.0.0.1:${port}/ (log: ${live.log})`);
  const firstValue = live.first as { value?: number; error?: string };
  ok = report("first result computed in workerd", firstValue.error ? [firstValue.error] : []) && ok;
  const namedValue = named.at(-1)!.first as { value?: number; error?: string };
  ok = report(
    "the named-import Worker's first result equals the check Worker's",
    namedValue.value === firstValue.value ? [] : [`${JSON.stringify(namedValue)} vs ${firstValue.value}`],
  ) && ok;
  const startBase = median(base.map((s) => s.startToFirstMs));
  const timing = (what: string, served: Served[]) => {
    const start = median(served.map((s) => s.startToFirstMs));
    return `${what}: ${start.toFixed(0)} ms (${(start - startBase).toFixed(0)} ms over a Worker that ` +
      `does nothing), the first request itself (kernels instantiated, randn/matmul/read) ${
        median(served.map((s) => s.firstRequestMs)).toFixed(1)
      } ms`;
  };
  console.log(
    `workerd start to first result, medians of ${runs}: do-nothing Worker ${startBase.toFixed(0)} ms ` +
      `(its request ${median(base.map((s) => s.firstRequestMs)).toFixed(1)} ms); ` +
      `${timing("named-import Worker", named)}; ${timing("check Worker (whole library)", ours)}`,
  );

  try {
    // Test images and labels from the embedded digits set, the same in both runtimes.
    const digits = await data.datasets.Digits.load();
    const idx = [0, 7, 123, 456, 789, 1011, 1500, 1796];
    const raw = digits.data.reshape(-1, 64);
    const images = idx.map((i) => raw.index(i).toArray() as number[]);
    const labels = idx.map((i) => digits.targets.index(i).item());
    const want = denoAnswers(modelBytes, images, labels);

    const predict = await post(port, "/predict", { images }) as typeof want.predict;
    const problems = [
      ...closeArrays("classes", predict.classes, want.predict.classes, { rtol: 0, atol: 0 }),
      ...closeArrays(
        "probabilities",
        predict.probabilities?.flat(),
        want.predict.probabilities.flat(),
        TOL.cpu,
      ),
    ];
    const acc = predict.classes?.filter((c, k) => c === labels[k]).length ?? 0;
    ok = report(
      `/predict: classes ${JSON.stringify(predict.classes)} (labels ${
        JSON.stringify(labels)
      }, ${acc}/${labels.length}) equal Deno's`,
      problems,
    ) && ok;

    const train = await post(port, "/train", { images, labels, lr: 0.05 }) as typeof want.train;
    ok = report(
      `/train: loss ${train.lossBefore?.toFixed(5)} -> ${train.lossAfter?.toFixed(5)} equals Deno's`,
      closeArrays("losses", [train.lossBefore, train.lossAfter], [
        want.train.lossBefore,
        want.train.lossAfter,
      ], TOL.cpu),
    ) && ok;

    const scenario = await (await fetch(`http://127.0.0.1:${port}/scenario`)).json() as ScenarioResult;
    ok = checkScenario(
      "/scenario (forward, backward, 4 SGD steps, save/load) equals Deno's CPU result",
      scenario,
      await denoReference(),
      TOL.cpu,
    ) && ok;
    // Workers have no shared-memory workers: one thread, with the reason, never an error.
    const reason = "error" in scenario ? undefined : scenario.threadingReason;
    ok = report(
      `one CPU thread in workerd, with the reason (${reason})`,
      typeof reason === "string" && reason.length > 0 ? [] : [`threadingReason: ${reason}`],
    ) && ok;
  } finally {
    await stop(live);
    console.log(`stopped workerd (pid ${live.child.pid})`);
  }
  Deno.exit(ok ? 0 : 1);
}

/**
 * `torch.scope` and `torch.keep`: deterministic release of what a block created, without ever
 * releasing what outlives it (returned values and their graphs, parameters, gradients, buffers,
 * optimizer state), on both backends.
 */
import * as torch from "../mod.ts";
import type { Device } from "../mod.ts";
import { data, nn, optim } from "../mod.ts";
import { wasmBackend } from "../src/backends/wasm/backend.ts";
import { deviceTest } from "./devices.ts";
import { assert, assertArrayAsync, assertCloseAsync, assertThrowsMsg, flatAsync } from "./helpers.ts";

/** Bytes the device's backend holds for live storages (wasm: resident; GPU: the pool's live bytes). */
function liveBytes(device: Device): number {
  return device === "cpu"
    ? wasmBackend().memoryStats().residentBytes
    : torch.gpu.webgpuBackend()!.liveBytes();
}

deviceTest(
  "scope: what the block made is released at once; what it returns and older tensors are not",
  async (device) => {
    const outer = torch.arange(6, { device }).float();
    const outerView = outer.view(2, 3);
    const made: torch.Tensor[] = [];
    const result = torch.scope(() => {
      const a = outer.mul(2);
      const b = a.add(1).view(3, 2);
      const c = outerView.index(":", 1); // a view of an older tensor
      made.push(a, b, c);
      return b.sum(0);
    });
    assert.equal(made[0].isDisposed, true, "an intermediate is released");
    assert.equal(made[1].isDisposed, true, "a view of an intermediate is released with it");
    assert.equal(made[2].isDisposed, false, "a view of an older tensor keeps the older storage");
    assert.equal(outer.isDisposed, false);
    assert.equal(result.isDisposed, false);
    await assertArrayAsync(result, [1 + 5 + 9, 3 + 7 + 11]);
    assertThrowsMsg(() => made[0].add(1), /add: a tensor of shape \[6\] was disposed .*torch\.scope\(\)/);
  },
);

deviceTest("scope: tensors inside returned arrays, objects, Maps and Sets survive", async (device) => {
  const x = torch.ones(3, { device });
  const out = torch.scope(() => ({
    list: [x.mul(2), [x.mul(3)]],
    map: new Map([["m", x.mul(4)]]),
    set: new Set([x.mul(5)]),
    count: x.mul(6).numel(), // that temporary is released
  }));
  await assertArrayAsync(out.list[0] as torch.Tensor, [2, 2, 2]);
  await assertArrayAsync((out.list[1] as torch.Tensor[])[0], [3, 3, 3]);
  await assertArrayAsync(out.map.get("m")!, [4, 4, 4]);
  await assertArrayAsync([...out.set][0], [5, 5, 5]);
});

deviceTest(
  "scope: a returned loss keeps its graph, so backward() after the scope gives the same gradients",
  async (device) => {
    torch.manualSeed(0);
    const init = torch.randn(4, 3).to(device);
    const x = torch.randn(5, 4).to(device);
    const reference = init.clone().requiresGrad_();
    x.matmul(reference).tanh().pow(2).mean().backward();
    let inner!: torch.Tensor;
    const loss = torch.scope(() => {
      inner = init.clone().requiresGrad_(); // a variable made inside: kept
      return x.matmul(inner).tanh().pow(2).mean(); // its graph's saved tensors are kept with it
    });
    assert.equal(inner.isDisposed, false);
    loss.backward();
    await assertCloseAsync(inner.grad!, reference.grad!, { rtol: 1e-6, atol: 1e-7 });
  },
);

deviceTest(
  "scope: a training step inside a scope matches the same step without one, for every optimizer",
  async (device) => {
    const makeOptimizers = (params: torch.Tensor[]) => [
      new optim.SGD(params, { lr: 0.05, momentum: 0.9, nesterov: true }),
      new optim.Adam(params, { lr: 0.01, amsgrad: true }),
      new optim.AdamW(params, { lr: 0.01 }),
      new optim.RMSprop(params, { lr: 0.01, momentum: 0.5, centered: true }),
      new optim.Adagrad(params, { lr: 0.05 }),
    ];
    for (let which = 0; which < 5; which++) {
      const runs: number[][] = [];
      for (const useScope of [false, true]) {
        torch.manualSeed(1);
        const model = new nn.Sequential(
          new nn.Linear(4, 8),
          new nn.BatchNorm1d(8),
          new nn.ReLU(),
          new nn.Linear(8, 2),
        )
          .to(device);
        const opt = makeOptimizers(model.parameters())[which];
        const x = torch.randn(16, 4).to(device), y = torch.randint(0, 2, [16]).to(device);
        const criterion = new nn.CrossEntropyLoss();
        const step = () => {
          opt.zeroGrad();
          const loss = criterion(model(x), y);
          loss.backward();
          opt.step();
          return loss.detach();
        };
        const losses: torch.Tensor[] = [];
        for (let i = 0; i < 4; i++) losses.push(useScope ? torch.scope(step) : step());
        // Parameters, gradients, buffers and optimizer state (created inside the first scope) live on.
        for (const p of model.parameters()) {
          assert.equal(p.isDisposed, false);
          assert.equal(p.grad!.isDisposed, false, `${opt.constructor.name}: a gradient was released`);
        }
        for (const b of model.buffers()) assert.equal(b.isDisposed, false);
        for (const st of opt.state.values()) {
          for (const [k, v] of Object.entries(st)) {
            if (v instanceof torch.Tensor) {
              assert.equal(
                v.isDisposed,
                false,
                `${opt.constructor.name} state ${k}`,
              );
            }
          }
        }
        const values: number[] = [];
        for (const l of losses) values.push(await l.itemAsync());
        for (const p of model.parameters()) values.push(...await flatAsync(p));
        for (const b of model.buffers()) values.push(...await flatAsync(b.float()));
        runs.push(values);
      }
      assert.deepEqual(runs[1], runs[0], `optimizer ${which}: the scoped run differs`);
    }
  },
);

deviceTest(
  "scope: a scoped training loop never raises the backend's live bytes, and holds them flat",
  async (device) => {
    torch.manualSeed(2);
    const model = new nn.Sequential(new nn.Linear(32, 64), new nn.ReLU(), new nn.Linear(64, 10)).to(device);
    const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = torch.randn(64, 32).to(device), y = torch.randint(0, 10, [64]).to(device);
    const lossSum = torch.zeros([], { device });
    const step = () =>
      torch.scope(() => {
        opt.zeroGrad();
        const loss = nn.functional.crossEntropy(model(x), y);
        loss.backward();
        opt.step();
        torch.noGrad(() => lossSum.add_(loss));
      });
    step(); // creates the gradients and Adam's state
    const start = liveBytes(device);
    const levels: number[] = [];
    for (let i = 0; i < 120; i++) {
      step();
      levels.push(liveBytes(device));
    }
    // Never above the start. (CPU: storages earlier tests left resident go idle after ~1,000 calls
    // and are spilled before the heap would grow, so the level may fall once, then stays flat.)
    const last = levels[levels.length - 1];
    assert.ok(levels.every((l) => l <= start), `live bytes rose from ${start}: ${levels.join(", ")}`);
    const flat = device === "gpu" ? levels : levels.slice(-40);
    assert.ok(flat.every((l) => l === (device === "gpu" ? start : last)), `not flat: ${levels.join(", ")}`);
    assert.ok(Number.isFinite(await lossSum.itemAsync()));
  },
);

deviceTest("scope: nested scopes hand what the inner one returns to the outer one", (device) => {
  const x = torch.ones(2, { device });
  let innerResult!: torch.Tensor, innerTemp!: torch.Tensor;
  const outerResult = torch.scope(() => {
    innerResult = torch.scope(() => {
      innerTemp = x.add(1);
      return innerTemp.mul(2);
    });
    assert.equal(innerTemp.isDisposed, true);
    assert.equal(innerResult.isDisposed, false);
    return innerResult.add(1);
  });
  assert.equal(innerResult.isDisposed, true, "the outer scope released what it did not return");
  assert.equal(outerResult.isDisposed, false);
});

deviceTest("keep: a tensor stored outside the scope instead of returned survives", async (device) => {
  const history: torch.Tensor[] = [];
  let dropped!: torch.Tensor;
  torch.scope(() => {
    const x = torch.ones(3, { device }).mul(2);
    history.push(torch.keep(x.sum()));
    torch.scope(() => {
      history.push(torch.keep(x.mul(3))); // kept through every open scope
    });
    dropped = x;
  });
  assert.equal(dropped.isDisposed, true);
  assert.equal(await history[0].itemAsync(), 6);
  await assertArrayAsync(history[1], [6, 6, 6]);
  assertThrowsMsg(() => torch.keep(3 as unknown as torch.Tensor), /keep: expected a Tensor, got number/);
});

deviceTest(
  "scope: a throwing block releases what it made and rethrows; bad arguments are refused",
  async (device) => {
    let temp!: torch.Tensor;
    assertThrowsMsg(() =>
      torch.scope(() => {
        temp = torch.ones(4, { device }).mul(3);
        temp.view(3, -1);
      }), /shape '\[3, -1\]' is invalid for input of size 4/);
    assert.equal(temp.isDisposed, true);
    // The scope is closed: tensors made afterwards are not collected by it.
    const after = torch.ones(2, { device }).add(1);
    torch.scope(() => 0);
    assert.equal(after.isDisposed, false);
    assertThrowsMsg(
      () => torch.scope(null as unknown as () => void),
      /scope: expected a function to run, got null/,
    );
    let kept!: torch.Tensor;
    assertThrowsMsg(
      () =>
        torch.scope(async () => {
          kept = torch.ones(2, { device }).mul(5);
          await Promise.resolve();
        }),
      /scope: the function returned a Promise; scope\(\) runs synchronously/,
    );
    assert.equal(kept.isDisposed, false, "nothing is released under pending async work");
    await assertArrayAsync(kept, [5, 5]);
  },
);

deviceTest(
  "scope: a model built and moved inside a scope keeps its parameters, buffers and state",
  (device) => {
    const { model, opt } = torch.scope(() => {
      const model = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4)).to(device);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      return { model, opt };
    });
    const x = torch.randn(5, 3).to(device);
    torch.scope(() => {
      model(x).sum().backward();
      opt.step();
    });
    for (const t of [...model.parameters(), ...model.buffers()]) assert.equal(t.isDisposed, false);
    for (const p of model.parameters()) assert.equal(p.grad!.isDisposed, false);
    const st = opt.state.get(model.parameters()[0])!;
    assert.equal((st.momentumBuffer as torch.Tensor).isDisposed, false);
    // Returning an object keeps the tensors its fields hold (a dataset made inside a scope).
    const ds = torch.scope(() => new data.TensorDataset(x.mul(2), x.sum(1)));
    for (const t of ds.getItem(0)) assert.equal(t.isDisposed, false);
  },
);

deviceTest("scope: autograd.grad inside a scope, returned", async (device) => {
  const x = torch.tensor([1, 2, 3], { dtype: "float32", device, requiresGrad: true });
  const [g] = torch.scope(() => torch.autograd.grad(x.pow(3).sum(), x));
  await assertArrayAsync(g!, [3, 12, 27]);
});

deviceTest(
  "scope: dropping a .grad that is also a parameter or a kept tensor does not release it",
  async (device) => {
    const w = torch.ones([3], { device, requiresGrad: true });
    const param = new nn.Parameter(torch.full([3], 2.5, { device }));
    const kept = torch.keep(torch.full([3], 3.5, { device }));
    torch.scope(() => {
      w.grad = param;
      w.grad = kept;
      w.grad = null;
    });
    assert.equal(param.isDisposed, false);
    assert.equal(kept.isDisposed, false);
    await assertArrayAsync(param, [2.5, 2.5, 2.5]);
    // A gradient shared by two tensors goes only when neither holds it.
    const v = torch.ones([3], { device, requiresGrad: true });
    const shared = torch.full([3], 4.5, { device });
    w.grad = shared;
    v.grad = shared;
    torch.scope(() => {
      w.grad = null;
    });
    assert.equal(shared.isDisposed, false, "v still holds it");
    torch.scope(() => {
      v.grad = null;
    });
    assert.equal(shared.isDisposed, false, "the user made it and still holds it");
    await assertArrayAsync(shared, [4.5, 4.5, 4.5]);
  },
);

/**
 * Grad mode follows the async context (issue 13): `noGrad(async fn)` turns recording off for `fn`
 * only, so a training step that runs while an evaluation awaits still records its graph; the
 * scoped and global forms of `setGradEnabled`; and, in a runtime without AsyncLocalStorage, a
 * clear refusal of async callbacks.
 */
import * as torch from "../mod.ts";
import { nn, optim } from "../mod.ts";
import type { Device } from "../mod.ts";
import { assert, assertRejectsMsg, assertThrowsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

/** Resolves after a macrotask, so other tasks run in between. */
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

deviceTest(
  "a training step interleaved with an async noGrad evaluation records its graph",
  async (device: Device) => {
    torch.manualSeed(0);
    const model = new nn.Linear(4, 2).to(device);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const x = torch.randn(8, 4).to(device), y = torch.randn(8, 2).to(device);
    const events: string[] = [];
    let evalMode: boolean[] = [];

    const evaluate = torch.noGrad(async () => {
      for (let i = 0; i < 3; i++) {
        await tick();
        const out = model(x);
        evalMode.push(torch.isGradEnabled(), out.requiresGrad);
        events.push("eval");
      }
      return model(x);
    });
    const train = (async () => {
      for (let i = 0; i < 3; i++) {
        await tick();
        assert.equal(torch.isGradEnabled(), true, "the training task must record while evaluation awaits");
        opt.zeroGrad();
        const loss = nn.functional.mseLoss(model(x), y);
        assert.ok(loss.requiresGrad, "loss records a graph");
        loss.backward();
        assert.ok(model.weight.grad !== null, "backward reached the weights");
        opt.step();
        events.push("train");
      }
    })();
    const [evalOut] = await Promise.all([evaluate, train]);
    // The two tasks really interleaved, and each saw its own mode throughout.
    assert.ok(events.indexOf("train") < events.lastIndexOf("eval"), `tasks did not interleave: ${events}`);
    assert.deepEqual(evalMode, [false, false, false, false, false, false]);
    assert.equal(evalOut.requiresGrad, false);
    assert.equal(torch.isGradEnabled(), true);
    evalMode = [];
  },
);

Deno.test("scopes nest across awaits; setGradEnabled has a scoped and a global form", async () => {
  const w = torch.tensor([1, 2], { requiresGrad: true });
  const r = await torch.noGrad(async () => {
    await tick();
    const inner = await torch.enableGrad(async () => {
      await tick();
      return w.mul(2);
    });
    assert.equal(torch.isGradEnabled(), false, "back to noGrad after the nested scope");
    return [inner, w.mul(3)];
  });
  assert.deepEqual(r.map((t) => t.requiresGrad), [true, false]);
  // with torch.set_grad_enabled(is_train): ...
  for (const isTrain of [true, false]) {
    const out = await torch.setGradEnabled(isTrain, async () => {
      await tick();
      return w.mul(2);
    });
    assert.equal(out.requiresGrad, isTrain);
  }
  assert.equal(torch.setGradEnabled(false, () => torch.isGradEnabled()), false);
  // The boolean form inside a scope changes that scope only.
  const seenOutside: boolean[] = [];
  await Promise.all([
    torch.enableGrad(async () => {
      assert.equal(torch.setGradEnabled(false), true);
      await tick();
      assert.equal(torch.isGradEnabled(), false);
    }),
    (async () => {
      await tick();
      seenOutside.push(torch.isGradEnabled());
    })(),
  ]);
  assert.deepEqual(seenOutside, [true]);
  // Outside every scope it is global, as torch.set_grad_enabled(False).
  assert.equal(torch.setGradEnabled(false), true);
  try {
    assert.equal(w.mul(2).requiresGrad, false);
    await tick();
    assert.equal(torch.isGradEnabled(), false);
  } finally {
    torch.setGradEnabled(true);
  }
  assert.equal(w.mul(2).requiresGrad, true);
  assertThrowsMsg(
    () => torch.setGradEnabled("no" as unknown as boolean),
    /setGradEnabled: mode must be a boolean/,
  );
  assertThrowsMsg(() => torch.noGrad(5 as unknown as () => void), /noGrad: expected a function, got number/);
  await assertRejectsMsg(
    () =>
      torch.noGrad(async () => {
        await tick();
        throw new Error("boom");
      }),
    /boom/,
  );
  assert.equal(torch.isGradEnabled(), true);
});

Deno.test("without AsyncLocalStorage, async callbacks are refused with a message naming setGradEnabled", async () => {
  // A runtime without `process` (a browser): run the library in a fresh Deno without it.
  const script = `
    delete globalThis.process;
    const torch = await import(${JSON.stringify(new URL("../mod.ts", import.meta.url).href)});
    const w = torch.tensor([1, 2], { requiresGrad: true });
    const out = { sync: torch.noGrad(() => w.mul(2)).requiresGrad, after: torch.isGradEnabled() };
    try { torch.noGrad(async () => 1); } catch (e) { out.async = String(e); }
    try { torch.noGrad(() => Promise.resolve(1)); } catch (e) { out.promise = String(e); }
    out.restored = torch.isGradEnabled();
    console.log(JSON.stringify(out));
  `;
  const res = await new Deno.Command(Deno.execPath(), { args: ["eval", "--ext=ts", script], stderr: "piped" })
    .output();
  assert.equal(res.code, 0, new TextDecoder().decode(res.stderr));
  const out = JSON.parse(new TextDecoder().decode(res.stdout));
  assert.equal(out.sync, false);
  assert.equal(out.after, true);
  assert.equal(out.restored, true);
  for (const msg of [out.async, out.promise]) {
    assert.match(msg, /TypeError: noGrad: this runtime has no AsyncLocalStorage/);
    assert.match(msg, /torch\.setGradEnabled\(false\)/);
  }
});

Deno.test("synchronous scopes use no AsyncLocalStorage; sync and async scopes nest either way", async () => {
  // In a fresh process: model construction and a training step (sync scopes inside nn.init and the
  // optimizer) never ask for node:async_hooks; the first async scope does.
  const script = `
    const calls = [];
    const get = process.getBuiltinModule.bind(process);
    process.getBuiltinModule = (id) => (calls.push(id), get(id));
    const torch = await import(${JSON.stringify(new URL("../mod.ts", import.meta.url).href)});
    const model = new torch.nn.Linear(4, 2);
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    torch.nn.functional.mseLoss(model(torch.randn(3, 4)), torch.randn(3, 2)).backward();
    opt.step();
    const sync = torch.noGrad(() => model(torch.randn(1, 4)).requiresGrad);
    const before = [...calls];
    const asyncOut = await torch.noGrad(async () => model(torch.randn(1, 4)).requiresGrad);
    console.log(JSON.stringify({ before, after: calls, sync, asyncOut }));
  `;
  const res = await new Deno.Command(Deno.execPath(), { args: ["eval", "--ext=ts", script], stderr: "piped" })
    .output();
  assert.equal(res.code, 0, new TextDecoder().decode(res.stderr));
  const out = JSON.parse(new TextDecoder().decode(res.stdout));
  assert.deepEqual(out.before, [], "no node:async_hooks for synchronous scopes");
  assert.deepEqual(out.after, ["node:async_hooks"]);
  assert.deepEqual([out.sync, out.asyncOut], [false, false]);

  // Nesting: a sync scope inside an async one, an async one inside a sync one, across awaits.
  const w = torch.tensor([1, 2], { requiresGrad: true });
  const seen = await torch.noGrad(async () => {
    const inner = torch.enableGrad(() => [torch.isGradEnabled(), w.mul(2).requiresGrad]);
    await tick();
    const afterAwait = torch.isGradEnabled();
    const nested = await torch.enableGrad(async () => {
      const deeper = torch.noGrad(() => torch.isGradEnabled());
      await tick();
      return [torch.isGradEnabled(), deeper];
    });
    return [...inner, afterAwait, ...nested, torch.isGradEnabled()];
  });
  assert.deepEqual(seen, [true, true, false, true, false, false]);
  let fromSync: Promise<boolean> | null = null;
  torch.noGrad(() => {
    fromSync = torch.enableGrad(async () => {
      await tick();
      return torch.isGradEnabled();
    });
  });
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(await fromSync, true, "an async scope opened inside a sync one keeps its own mode");
  // setGradEnabled(mode) inside a sync scope changes that scope only.
  torch.noGrad(() => {
    torch.setGradEnabled(true);
    assert.equal(torch.isGradEnabled(), true);
  });
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(torch.noGrad(() => torch.isGradEnabled()), false);
});

Deno.test("a plain function returning a Promise is refused, naming the async form", () => {
  let rejected = false;
  assertThrowsMsg(
    () =>
      torch.noGrad(() =>
        Promise.reject(new Error("inner")).catch((e) => {
          rejected = true;
          throw e;
        })
      ),
    /noGrad: the function returned a Promise but is not an async function.*torch\.noGrad\(async \(\) => await/,
  );
  assertThrowsMsg(
    () => torch.enableGrad(() => Promise.resolve(1)),
    /enableGrad: the function returned a Promise/,
  );
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(rejected, false, "checked synchronously; the rejection is swallowed later, not unhandled");
});

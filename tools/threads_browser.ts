/**
 * The CPU worker threads in headless Chromium (Debian's `chromium`): a bundle of a probe page is
 * served twice from 127.0.0.1, once cross-origin isolated (headers Cross-Origin-Opener-Policy:
 * same-origin and Cross-Origin-Embedder-Policy: require-corp) and once without them. Isolated,
 * the pool must start (blob-URL module workers; the page's main thread cannot block, so it polls)
 * and give the one-thread bits; not isolated, the library must run on one thread and say why.
 * Prints both reports and exits non-zero when either is wrong; stops Chromium and the server.
 *
 *   deno run -A tools/threads_browser.ts [--chromium PATH]
 * @module
 */
const ROOT = new URL("../", import.meta.url);
const args = Deno.args;
const chromium = args.includes("--chromium") ? args[args.indexOf("--chromium") + 1] : "chromium";

const PROBE = `import * as torch from ${JSON.stringify(new URL("mod.ts", ROOT).href)};
const run = () => {
  torch.manualSeed(3);
  const x = torch.randn(32, 3, 28, 28), w = torch.randn(8, 3, 3, 3).requiresGrad_();
  const y = torch.conv2d(x, w, null, { padding: 1 }).relu().matmul(torch.randn(28, 64)).softmax(3);
  y.sum().backward();
  return [...y.dataSync(), ...w.grad.dataSync()];
};
const report = { isolated: globalThis.crossOriginIsolated };
try {
  torch.setNumThreads(1);
  const one = run();
  torch.setNumThreads(2);
  report.threads = await torch.cpu.startThreads();
  const many = run();
  report.same = one.every((v, i) => Object.is(v, many[i]));
  report.reason = torch.cpu.threadingReason();
} catch (e) {
  report.error = String(e?.stack ?? e);
}
await fetch("/report", { method: "POST", body: JSON.stringify(report) });
`;

const dir = await Deno.makeTempDir({ prefix: "edgetorch-threads-browser-" });
await Deno.writeTextFile(`${dir}/probe.ts`, PROBE);
const bundled = await new Deno.Command(Deno.execPath(), {
  args: ["bundle", "--platform", "browser", "-o", `${dir}/probe.js`, `${dir}/probe.ts`],
}).output();
if (bundled.code !== 0) throw new Error(new TextDecoder().decode(bundled.stderr));
const probe = await Deno.readFile(`${dir}/probe.js`);

const reports: Record<string, unknown>[] = [];
let got: () => void = () => {};
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
  const url = new URL(req.url);
  const isolated = url.searchParams.get("isolated") === "1" ||
    req.headers.get("referer")?.includes("isolated=1");
  const headers: Record<string, string> = isolated
    ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }
    : {};
  if (req.method === "POST") {
    reports.push(JSON.parse(await req.text()));
    got();
    return new Response("ok");
  }
  if (url.pathname === "/probe.js") {
    return new Response(probe, { headers: { ...headers, "content-type": "text/javascript" } });
  }
  return new Response(`<!doctype html><script type="module" src="/probe.js"></script>`, {
    headers: { ...headers, "content-type": "text/html" },
  });
});
const base = `http://127.0.0.1:${server.addr.port}/`;
let failed = false;
for (const isolated of [true, false]) {
  const profile = await Deno.makeTempDir({ prefix: "edgetorch-chromium-" });
  const done = new Promise<void>((r) => (got = r));
  const child = new Deno.Command(chromium, {
    args: [
      "--headless",
      "--no-sandbox",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      `--user-data-dir=${profile}`,
      `${base}?isolated=${isolated ? 1 : 0}`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const timeout = new Promise<void>((r) => setTimeout(r, 120_000));
  await Promise.race([done, timeout]);
  child.kill("SIGTERM");
  await child.status;
  await Deno.remove(profile, { recursive: true }).catch(() => {});
  const r = reports.at(-1);
  console.log(`${isolated ? "cross-origin isolated" : "not isolated"}: ${JSON.stringify(r ?? "no report")}`);
  const ok = r && r.isolated === isolated && r.same === true &&
    (isolated ? r.threads === 2 && r.reason === null : r.threads === 1 && typeof r.reason === "string");
  if (!ok) failed = true;
  reports.length = 0;
}
await server.shutdown();
await Deno.remove(dir, { recursive: true });
if (failed) Deno.exit(1);
console.log("threads in Chromium: as expected");

/**
 * torch.fft and torch.stft on the CPU (assembly/fft.ts) against PyTorch 1.13 in the same run:
 * `fft` of complex [64, 1024] (radix 4) and [64, 1000] (radices 4, 2, 5, 5, 5), `rfft` of real
 * [64, 1024] / [64, 1000], and the audio tutorial's spectrogram (`stft` of [8, 16000], nFft 400,
 * hop 160, Hann window); the GPU (wgsl/fft.wgsl) where a WebGPU adapter exists.
 *
 *   deno bench -A bench/fft_bench.ts
 *
 * PyTorch's times (bench/pytorch_fft.py, Debian's /usr/bin/python3, one thread) are printed before
 * the table, as microseconds per call. GPU rows read the result back (`dataAsync`); CPU rows do not
 * (the CPU's ops are synchronous, and PyTorch's timings do not copy the results either).
 * @module
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";

const py = await new Deno.Command("/usr/bin/python3", {
  args: [new URL("./pytorch_fft.py", import.meta.url).pathname],
  stdout: "piped",
  stderr: "piped",
}).output().catch(() => null);
if (py?.success) {
  const { torch: version, results } = JSON.parse(new TextDecoder().decode(py.stdout)) as {
    torch: string;
    results: Record<string, number>;
  };
  console.log(`PyTorch ${version}, 1 thread (µs per call):`);
  for (const [name, us] of Object.entries(results)) console.log(`  ${name.padEnd(40)} ${us.toFixed(1)}`);
} else console.error("PyTorch (/usr/bin/python3 with torch) not available: no PyTorch times");

const devices: Device[] = (await torch.gpu.isAvailable()) ? ["cpu", "gpu"] : ["cpu"];
const gen = new torch.Generator(5);
const cplx = (...shape: number[]) => torch.viewAsComplex(torch.randn([...shape, 2], { generator: gen }));
const inputs = {
  c1024: cplx(64, 1024),
  c1000: cplx(64, 1000),
  r1024: torch.randn([64, 1024], { generator: gen }),
  r1000: torch.randn([64, 1000], { generator: gen }),
  audio: torch.randn([8, 16000], { generator: gen }),
};

/** GPU results are read back (the clock stops when the device is done); CPU ops are synchronous. */
async function readAndDrop(t: Tensor): Promise<void> {
  if (t.device !== "cpu") await t.dataAsync();
  t.dispose();
}

for (const device of devices) {
  const x = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.to(device)]));
  const window = torch.hannWindow(400, { device });
  const group = `fft (${device})`;
  Deno.bench({ name: `fft [64, 1024] (${device})`, group, baseline: true }, async () => {
    await readAndDrop(torch.fft.fft(x.c1024));
  });
  Deno.bench({ name: `fft [64, 1000] (${device})`, group }, async () => {
    await readAndDrop(torch.fft.fft(x.c1000));
  });
  Deno.bench({ name: `rfft [64, 1024] (${device})`, group }, async () => {
    await readAndDrop(torch.fft.rfft(x.r1024));
  });
  Deno.bench({ name: `rfft [64, 1000] (${device})`, group }, async () => {
    await readAndDrop(torch.fft.rfft(x.r1000));
  });
  Deno.bench({ name: `stft [8, 16000] nFft 400 hop 160 hann (${device})`, group }, async () => {
    await readAndDrop(torch.stft(x.audio, 400, { hopLength: 160, window, returnComplex: true }));
  });
}

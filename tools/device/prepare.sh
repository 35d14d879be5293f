#!/usr/bin/env bash
# Prepares, on this machine, what tools/device/run.sh needs on a GPU machine that reaches no
# network: everything lands in .device/ (in .gitignore), which the device call carries. Run
# from the repository root, with deno and npm registry access:
#
#   bash tools/device/prepare.sh
#
# then, with the device tool: run(command="bash tools/device/run.sh", carry=[".device"],
# timeout_s=570). What .device/ holds (about 41 MB of the 64 MiB a call may carry, with the repository's 11 MB):
# - deno.xz: this machine's Deno binary, xz-compressed;
# - libvulkan1_*.deb: the Vulkan loader (Debian), unpacked there (the NVIDIA ICD is on the machine);
# - *.js: the benchmarks bundled with `deno bundle` (their npm imports inlined: TensorFlow.js,
#   jax-js), since npm is out of reach there.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .device

DENO_BIN=$(readlink -f "$(command -v deno)")
echo "deno: $DENO_BIN ($(deno --version | head -1))"
xz -T0 -6 -c "$DENO_BIN" >.device/deno.xz

apt_opts=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/device-apt-lists)
mkdir -p /tmp/device-apt-lists/partial
apt-get "${apt_opts[@]}" update -qq
rm -f .device/*.deb
(cd .device && apt-get "${apt_opts[@]}" download libvulkan1)

for bench in webgpu_bench webgpu_training_bench threads; do
  deno bundle --quiet --platform=deno -o ".device/$bench.js" "bench/$bench.ts"
done
du -sh .device
ls -la .device

#!/usr/bin/env bash
# One GPU-machine session in one call (see tools/device/prepare.sh, which fills .device/ here
# first): the GPU tests, the float16 tests on the real shader-f16, the GPU benchmarks against
# TensorFlow.js and jax-js, and the CPU thread scaling over the machine's cores. Each step has its
# own time limit (550 s in all, the most wanted numbers first: a call cut short still returns the
# logs written so far); every step's output goes to a log in $OUT (at most 8 files come back) and
# a summary to stdout.
#
#   run(command="bash tools/device/run.sh", carry=[".device"], timeout_s=570)
#   STEPS="tests bench" bash tools/device/run.sh     a subset (names below)
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/device-out}
mkdir -p "$OUT"
STEPS=${STEPS:-"info bench threads f16 tests training"}
start=$(date +%s)

for f in .device/*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
xz -dc .device/deno.xz >/tmp/deno && chmod +x /tmp/deno
export DENO_WEBGPU_BACKEND=${DENO_WEBGPU_BACKEND:-vulkan}
export PATH=/tmp:$PATH DENO_DIR=/tmp/deno-dir NO_COLOR=1

# step NAME SECONDS COMMAND...: runs COMMAND into $OUT/NAME.log under a time limit.
step() {
  local name=$1 limit=$2
  shift 2
  case " $STEPS " in *" $name "*) ;; *) return 0 ;; esac
  local t0=$(date +%s)
  timeout "$limit" "$@" >"$OUT/$name.log" 2>&1
  local rc=$?
  echo "== $name: exit $rc after $(($(date +%s) - t0)) s (limit $limit s; $(($(date +%s) - start)) s so far)"
  grep -E "passed|failed|FAILED|^\| |adapter:|GFLOP|error" "$OUT/$name.log" | tail -40
}

step info 30 bash -c 'nvidia-smi -L; nproc; deno --version; deno eval "
  import * as torch from \"./mod.ts\";
  console.log(\"WebGPU available:\", await torch.gpu.isAvailable(), torch.gpu.reason ?? \"\");
  console.log(\"adapter:\", JSON.stringify(torch.gpu.adapterInfo()));
  console.log(\"f16 kernels:\", torch.gpu.webgpuBackend()?.f16);"'
step bench 150 deno bench -A .device/webgpu_bench.js --filter "matmul"
step threads 110 bash -c 'deno run -A .device/threads.js --scaling --threads 1,2,4,8,16 --seconds 2 &&
  deno run -A .device/threads.js --no-peers --seconds 1'
step f16 60 env EDGETORCH_TEST_REQUIRE_F16=1 deno task test tests/webgpu_f16_test.ts tests/amp_test.ts
# The whole suite: the GPU tests run where an adapter is found, the CPU tests on 16 cores.
step tests 150 deno task test
step training 50 deno bench -A .device/webgpu_training_bench.js
echo "== done in $(($(date +%s) - start)) s; logs: $(ls "$OUT")"

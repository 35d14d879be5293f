// dtype conversions. Every dtype is one 32-bit word per element on the GPU: float32 and float16
// as f32 (float16 values are rounded to half precision and held in f32), int32 as i32, uint8 and
// bool as u32 (0..255, 0/1). {{CONV}} converts the raw word `x` and gives the raw output word;
// it comes from the (from, to) table of src/backends/webgpu/pipelines.ts, with the CPU backend's
// rules: float to integer truncates toward zero and gives INT32_MIN for NaN, infinities and
// out-of-range values; to uint8 wraps modulo 256 through int32; to bool tests != 0.
//! include: math

//! kernel: cast_x32
struct Params {
  n: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read_write> Y: array<u32>;

fn conv(x: u32) -> u32 {
  {{CONV}}
}

@compute @workgroup_size(256)
fn cast_x32(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = (wg.y * groups.x + wg.x) * 256u + local;
  if (i >= P.n) { return; }
  Y[i] = conv(X[i]);
}

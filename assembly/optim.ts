// deno-fmt-ignore-file
// Fused optimizer updates, in place on float32 parameter, gradient and state buffers. Each
// reproduces, element by element, the sequence of tensor ops of src/optim/ (one rounding per op,
// never a fused multiply-add, scalars arriving rounded to float32 as the ops' scalar operands are),
// so a fused step gives exactly the numbers of an unfused one.

// sgd flags: 1 maximize, 2 weight decay, 4 momentum, 8 first step (buf = d), 16 dampening,
// 32 nesterov.
export function sgd_f32(
  p: usize, g: usize, buf: usize, n: i32, flags: i32,
  lr: f32, momentum: f32, oneMinusDampening: f32, weightDecay: f32,
): void {
  const maximize = (flags & 1) != 0, decay = (flags & 2) != 0, useMomentum = (flags & 4) != 0;
  const first = (flags & 8) != 0, damp = (flags & 16) != 0, nesterov = (flags & 32) != 0;
  const vLr = f32x4.splat(lr), vMom = f32x4.splat(momentum), vDamp = f32x4.splat(oneMinusDampening);
  const vWd = f32x4.splat(weightDecay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let d = v128.load(g + o);
    if (maximize) d = f32x4.neg(d);
    const w = v128.load(p + o);
    if (decay) d = f32x4.add(d, f32x4.mul(w, vWd));
    if (useMomentum) {
      let b = d;
      if (!first) {
        const scaled = damp ? f32x4.mul(d, vDamp) : d;
        b = f32x4.add(f32x4.mul(v128.load(buf + o), vMom), scaled);
      }
      v128.store(buf + o, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(b, vMom)) : b;
    }
    v128.store(p + o, f32x4.sub(w, f32x4.mul(d, vLr)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let d = load<f32>(g + o);
    if (maximize) d = -d;
    const w = load<f32>(p + o);
    if (decay) d = d + w * weightDecay;
    if (useMomentum) {
      let b = d;
      if (!first) b = load<f32>(buf + o) * momentum + (damp ? d * oneMinusDampening : d);
      store<f32>(buf + o, b);
      d = nesterov ? d + b * momentum : b;
    }
    store<f32>(p + o, w - d * lr);
  }
}

// adam flags: 1 maximize, 2 weight decay, 4 decoupled (AdamW), 8 amsgrad (vmax).
export function adam_f32(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32, flags: i32,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, negStepSize: f32, sqrtBias2: f32,
  eps: f32, weightDecay: f32, decayFactor: f32,
): void {
  const maximize = (flags & 1) != 0, decay = (flags & 2) != 0, decoupled = (flags & 4) != 0;
  const amsgrad = (flags & 8) != 0;
  const vB1 = f32x4.splat(beta1), vOmb1 = f32x4.splat(oneMinusBeta1);
  const vB2 = f32x4.splat(beta2), vOmb2 = f32x4.splat(oneMinusBeta2);
  const vStep = f32x4.splat(negStepSize), vSqrtB2 = f32x4.splat(sqrtBias2), vEps = f32x4.splat(eps);
  const vWd = f32x4.splat(weightDecay), vDecay = f32x4.splat(decayFactor);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let gv = v128.load(g + o);
    if (maximize) gv = f32x4.neg(gv);
    let w = v128.load(p + o);
    if (decay) {
      if (decoupled) w = f32x4.mul(w, vDecay);
      else gv = f32x4.add(gv, f32x4.mul(w, vWd));
    }
    const mv = f32x4.add(f32x4.mul(v128.load(m + o), vB1), f32x4.mul(gv, vOmb1));
    const vv = f32x4.add(f32x4.mul(v128.load(v + o), vB2), f32x4.mul(f32x4.mul(gv, vOmb2), gv));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    let second = vv;
    if (amsgrad) {
      second = f32x4.max(v128.load(vmax + o), vv);
      v128.store(vmax + o, second);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(second), vSqrtB2), vEps);
    v128.store(p + o, f32x4.add(w, f32x4.div(f32x4.mul(mv, vStep), denom)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let gs = load<f32>(g + o);
    if (maximize) gs = -gs;
    let w = load<f32>(p + o);
    if (decay) {
      if (decoupled) w = w * decayFactor;
      else gs = gs + w * weightDecay;
    }
    const ms = load<f32>(m + o) * beta1 + gs * oneMinusBeta1;
    const vs = load<f32>(v + o) * beta2 + (gs * oneMinusBeta2) * gs;
    store<f32>(m + o, ms);
    store<f32>(v + o, vs);
    let second = vs;
    if (amsgrad) {
      second = max<f32>(load<f32>(vmax + o), vs);
      store<f32>(vmax + o, second);
    }
    const denom = sqrt<f32>(second) / sqrtBias2 + eps;
    store<f32>(p + o, w + (ms * negStepSize) / denom);
  }
}

/** Writes line plots as standalone SVG (no dependencies): used for loss curves. */

export interface Series {
  name: string;
  values: number[];
  color: string;
}

const W = 640, H = 400, PAD = { left: 64, right: 24, top: 40, bottom: 48 };

function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** An SVG document plotting each series against its index (x from 1). */
export function linePlotSvg(title: string, xLabel: string, series: Series[]): string {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const n = Math.max(...series.map((s) => s.values.length), 2);
  const lo = Math.min(0, ...all), hi = Math.max(...all, 1e-9);
  const x = (i: number) => PAD.left + ((i - 1) / (n - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escape(title)}</text>`,
    `<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${escape(xLabel)}</text>`,
  ];
  for (const t of niceTicks(lo, hi, 6)) {
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`);
  }
  for (const t of niceTicks(1, n, 8).filter((t) => Number.isInteger(t) && t >= 1)) {
    out.push(`<text x="${x(t)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${t}</text>`);
  }
  out.push(
    `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${
      H - PAD.top - PAD.bottom
    }" fill="none" stroke="#333"/>`,
  );
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>`);
    const ly = PAD.top + 16 + k * 18;
    out.push(
      `<line x1="${W - PAD.right - 130}" x2="${W - PAD.right - 110}" y1="${ly - 4}" y2="${
        ly - 4
      }" stroke="${s.color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${W - PAD.right - 104}" y="${ly}">${escape(s.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

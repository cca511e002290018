/**
 * Line plots as SVG text, for the examples: the Node demos write their curves to .svg files and the
 * browser demo (examples/softmax-browser) draws its charts with it. No dependencies and no DOM: numbers
 * in, a string out, so it runs in Node and in a page alike.
 *
 *   writeFileSync('loss.svg', linePlot({
 *     title: 'Training loss', xLabel: 'epoch', yLabel: 'loss',
 *     series: [{ name: 'train', y: trainLoss }, { name: 'test', y: testLoss, dashed: true }],
 *   }));
 *
 * Axes get "nice" ticks (1, 2, 5 × 10^k; on a log axis the powers of ten, with 2 and 5 between
 * them when the data span less than two decades), grid lines and labels; a legend names the
 * series, in the corner the curves leave most empty. Each series is a `<path>` inside `<g class="series" data-name="…">`, its points in
 * the coordinates of `<rect class="frame">`, the plotting area (test/plot.test.ts checks both).
 */

export interface Series {
  readonly name: string;
  /** x of each point; by default 0, 1, 2, … */
  readonly x?: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** A CSS colour; by default the next of the palette. */
  readonly color?: string;
  readonly dashed?: boolean;
  /** Dots at the points and no line (observations). */
  readonly points?: boolean;
}

export type Corner = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left';

export interface PlotOptions {
  readonly series: readonly Series[];
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Pixels; 640 × 360 by default. */
  readonly width?: number;
  readonly height?: number;
  /** A logarithmic y axis; points with y ≤ 0 are left out. */
  readonly logY?: boolean;
  /** Fixed axis ranges (a chart that fills as training runs); by default the data's, y with a margin. */
  readonly xRange?: readonly [number, number];
  readonly yRange?: readonly [number, number];
  /** The legend's corner; by default the one that covers the fewest points of the curves. */
  readonly legend?: Corner;
  /** Prefix of the ids inside the SVG (its clip path), distinct for each plot inlined in one page. */
  readonly id?: string;
}

/** Okabe and Ito's colour-blind-safe palette, black first. */
const palette = ['#000000', '#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];

/** The plotting area's margins: room for the title, tick labels and axis labels. */
const margin = { left: 64, right: 16, top: 32, bottom: 44 };

/** Ticks at 1, 2 or 5 × 10^k inside [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  // integers times step, so 0.1 + 0.2 never shows up as 0.30000000000000004
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k++) ticks.push(roundTo(k * step, step));
  return ticks;
}

/** Ticks of a log axis over [lo, hi] (both > 0): powers of ten, and 2 and 5 between them over less than two decades. */
export function logTicks(lo: number, hi: number): number[] {
  const decades = Math.log10(hi / lo);
  const multiples = decades < 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of multiples) {
      const v = roundTo(m * 10 ** e, 10 ** e);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  // less than a decade may hold a single tick or none: fall back to linear ticks then
  return ticks.length >= 2 ? ticks : niceTicks(lo, hi, 4).filter((v) => v > 0);
}

/** v rounded to the decimals that `step` needs. */
function roundTo(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(decimals, 20)));
}

/** A tick label: short, no float noise; exponents for very large or small numbers. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

/** Escapes text for SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Smallest and largest finite value of `values` that `keep` accepts; undefined if there is none. */
function extent(values: Iterable<number>, keep: (v: number) => boolean = () => true): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || !keep(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** The x values of a series. */
const xsOf = (s: Series): ArrayLike<number> => s.x ?? Array.from({ length: s.y.length }, (_, i) => i);

/** [lo, hi] widened where it is a single value (a flat curve still gets an axis). */
function widen([lo, hi]: [number, number], log: boolean): [number, number] {
  if (hi > lo) return [lo, hi];
  return log ? [lo / 2, hi * 2] : lo === 0 ? [-1, 1] : [lo - Math.abs(lo) / 10, hi + Math.abs(hi) / 10];
}

/** The y range from the data: 5% of margin on each side (on a log axis, 5% of the decades). */
function yRangeOf(series: readonly Series[], log: boolean): [number, number] {
  const all = series.flatMap((s) => Array.from(s.y));
  const [lo, hi] = widen(extent(all, (v) => !log || v > 0) ?? (log ? [1, 10] : [0, 1]), log);
  if (log) {
    const pad = Math.log10(hi / lo) * 0.05;
    return [lo / 10 ** pad, hi * 10 ** pad];
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** The SVG of a line plot of `options.series`. */
export function linePlot(options: PlotOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const id = options.id ?? 'plot';
  const log = options.logY === true;
  const frame = { x: margin.left, y: margin.top, w: width - margin.left - margin.right, h: height - margin.top - margin.bottom };
  const [x0, x1] = options.xRange ?? widen(extent(options.series.flatMap((s) => Array.from(xsOf(s)))) ?? [0, 1], false);
  const [y0, y1] = options.yRange ?? yRangeOf(options.series, log);
  const fy = log ? Math.log10 : (v: number) => v;
  const px = (v: number): number => frame.x + ((v - x0) / (x1 - x0)) * frame.w;
  const py = (v: number): number => frame.y + frame.h - ((fy(v) - fy(y0)) / (fy(y1) - fy(y0))) * frame.h;
  const n = (v: number): string => String(Math.round(v * 100) / 100);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<defs><clipPath id="${escapeXml(id)}-clip"><rect x="${frame.x}" y="${frame.y}" width="${frame.w}" height="${frame.h}"/></clipPath></defs>`,
  ];
  if (options.title) out.push(`<text class="title" x="${frame.x + frame.w / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`);

  // grid lines, ticks and their labels
  out.push('<g class="axes" stroke="#e5e5e5">');
  for (const t of niceTicks(x0, x1)) {
    const x = n(px(t));
    out.push(`<line x1="${x}" y1="${frame.y}" x2="${x}" y2="${frame.y + frame.h}"/>`);
    out.push(`<text x="${x}" y="${frame.y + frame.h + 16}" text-anchor="middle" stroke="none" fill="#333333">${formatTick(t)}</text>`);
  }
  for (const t of log ? logTicks(y0, y1) : niceTicks(y0, y1)) {
    const y = n(py(t));
    out.push(`<line x1="${frame.x}" y1="${y}" x2="${frame.x + frame.w}" y2="${y}"/>`);
    out.push(`<text x="${frame.x - 6}" y="${y}" dy="0.32em" text-anchor="end" stroke="none" fill="#333333">${formatTick(t)}</text>`);
  }
  out.push('</g>');
  if (options.xLabel) out.push(`<text class="x-label" x="${frame.x + frame.w / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel) {
    out.push(`<text class="y-label" transform="translate(14 ${frame.y + frame.h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  }
  out.push(`<rect class="frame" x="${frame.x}" y="${frame.y}" width="${frame.w}" height="${frame.h}" fill="none" stroke="#333333"/>`);

  // the series: a path broken where a value is missing (not finite, or ≤ 0 on a log axis)
  const colors = options.series.map((s, i) => s.color ?? palette[i % palette.length]);
  const pieces = options.series.map((s) => {
    const xs = xsOf(s);
    const pts: [number, number][][] = [[]];
    for (let k = 0; k < s.y.length; k++) {
      const ok = Number.isFinite(xs[k]) && Number.isFinite(s.y[k]) && (!log || s.y[k] > 0);
      if (ok) pts[pts.length - 1].push([px(xs[k]), py(s.y[k])]);
      else if (pts[pts.length - 1].length > 0) pts.push([]);
    }
    return pts;
  });
  options.series.forEach((s, i) => {
    const pts = pieces[i];
    out.push(`<g class="series" data-name="${escapeXml(s.name)}" clip-path="url(#${escapeXml(id)}-clip)">`);
    if (s.points) {
      for (const [x, y] of pts.flat()) out.push(`<circle cx="${n(x)}" cy="${n(y)}" r="3" fill="${escapeXml(colors[i])}"/>`);
    } else {
      const d = pts.filter((p) => p.length > 0).map((p) => p.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${n(x)},${n(y)}`).join(' ')).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${escapeXml(colors[i])}" stroke-width="2" stroke-linejoin="round"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    }
    out.push('</g>');
  });
  out.push(legend(options, colors, frame, pieces));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

type Box = { x: number; y: number; w: number; h: number };

/** The legend: a line (or dot) in each series' style and its name, in a box in one corner. */
function legend(options: PlotOptions, colors: string[], frame: Box, pieces: [number, number][][][]): string {
  const names = options.series.map((s) => s.name);
  if (names.length === 0) return '';
  // text width estimated at 7 px a character (no DOM to measure with)
  const w = 40 + 7 * Math.max(...names.map((s) => s.length));
  const h = 8 + 18 * names.length;
  const boxAt = (corner: Corner): Box => ({
    x: corner.endsWith('right') ? frame.x + frame.w - w - 8 : frame.x + 8,
    y: corner.startsWith('top') ? frame.y + 8 : frame.y + frame.h - h - 8,
    w,
    h,
  });
  const corners: Corner[] = ['top-right', 'top-left', 'bottom-right', 'bottom-left'];
  const corner = options.legend ?? corners.map((c): [Corner, number] => [c, covered(boxAt(c), pieces)]).reduce((a, b) => (b[1] < a[1] ? b : a))[0];
  const { x, y } = boxAt(corner);
  const out = [`<g class="legend" transform="translate(${x} ${y})">`, `<rect width="${w}" height="${h}" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>`];
  options.series.forEach((s, i) => {
    const cy = 13 + 18 * i;
    const color = escapeXml(colors[i]);
    out.push(s.points
      ? `<circle cx="18" cy="${cy}" r="3" fill="${color}"/>`
      : `<line x1="8" y1="${cy}" x2="28" y2="${cy}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="34" y="${cy}" dy="0.32em">${escapeXml(s.name)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** How many points of the curves (and of their segments, sampled) fall in `box`: what a legend there would hide. */
function covered(box: Box, pieces: [number, number][][][]): number {
  const inside = (x: number, y: number): boolean => x >= box.x - 4 && x <= box.x + box.w + 4 && y >= box.y - 4 && y <= box.y + box.h + 4;
  let count = 0;
  for (const path of pieces.flat()) {
    for (let k = 0; k < path.length; k++) {
      const [x, y] = path[k];
      if (inside(x, y)) count++;
      if (k === 0) continue;
      // points every 4 px along the segment, so a line drawn across the box counts too
      const [xp, yp] = path[k - 1];
      const steps = Math.ceil(Math.hypot(x - xp, y - yp) / 4);
      for (let t = 1; t < steps; t++) if (inside(xp + (t / steps) * (x - xp), yp + (t / steps) * (y - yp))) count++;
    }
  }
  return count;
}

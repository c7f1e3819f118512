// Minimal hand-written SVG charts: a line chart with vertical markers, a horizontal bar chart,
// and a document stacking charts vertically. Each chart is a fragment of fixed size.

export interface Chart {
  width: number;
  height: number;
  body: string;
}

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

export interface Marker {
  x: number;
  /** '' for an unlabelled line. */
  label: string;
  color: string;
}

const WIDTH = 720;
const PAD = { left: 60, right: 20, top: 30, bottom: 40 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string => (v === 0 || v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const text = (x: number, y: number, s: string, attrs = ''): string =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * step).find((m) => m >= v)!;
}

export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[], markers: Marker[]): Chart {
  const height = 260;
  const w = WIDTH - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const all = series.flatMap((s) => s.points);
  const xMax = niceMax(Math.max(...all.map((p) => p[0]), ...markers.map((m) => m.x), 0));
  const yMax = niceMax(Math.max(...all.map((p) => p[1]), 0));
  const sx = (x: number): number => PAD.left + (x / xMax) * w;
  const sy = (y: number): number => PAD.top + h - (y / yMax) * h;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const parts = [
    text(PAD.left, 18, title, 'font-weight="bold"'),
    `<rect x="${PAD.left}" y="${PAD.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
    ...ticks.map((t) => text(PAD.left - 6, sy(t * yMax) + 4, fmt(t * yMax), 'text-anchor="end"')),
    ...ticks.map((t) => text(sx(t * xMax), PAD.top + h + 16, fmt(t * xMax), 'text-anchor="middle"')),
    text(PAD.left + w / 2, height - 6, xLabel, 'text-anchor="middle"'),
    text(14, PAD.top + h / 2, yLabel, `text-anchor="middle" transform="rotate(-90 14 ${PAD.top + h / 2})"`),
    ...series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`),
    ...markers.map((m) => `<line x1="${sx(m.x).toFixed(1)}" x2="${sx(m.x).toFixed(1)}" y1="${PAD.top}" y2="${PAD.top + h}" stroke="${m.color}" stroke-dasharray="4 3"/>`),
    ...markers.filter((m) => m.label !== '').map((m, i) => text(sx(m.x) + 4, PAD.top + 12 + i * 14, m.label, `fill="${m.color}"`)),
    ...series.map((s, i) => `<rect x="${WIDTH - 150}" y="${PAD.top + 6 + i * 16}" width="10" height="10" fill="${s.color}"/>` +
      text(WIDTH - 135, PAD.top + 15 + i * 16, s.name)),
  ];
  return { width: WIDTH, height, body: parts.join('\n') };
}

/** Horizontal bars with a reference line at `reference` (1 for ratios). */
export function barChart(title: string, bars: { label: string; value: number }[], reference: number): Chart {
  const labelWidth = 260;
  const barHeight = 18;
  const height = PAD.top + bars.length * (barHeight + 6) + PAD.bottom;
  const w = WIDTH - labelWidth - PAD.right - 50;
  const max = niceMax(Math.max(reference, ...bars.map((b) => b.value)));
  const sx = (v: number): number => labelWidth + (v / max) * w;
  const bottom = PAD.top + bars.length * (barHeight + 6);
  const parts = [
    text(10, 18, title, 'font-weight="bold"'),
    ...bars.map((b, i) => {
      const y = PAD.top + i * (barHeight + 6);
      const color = b.value >= reference ? '#2a9d8f' : '#e76f51';
      return text(labelWidth - 6, y + 13, b.label, 'text-anchor="end"') +
        `<rect x="${labelWidth}" y="${y}" width="${(sx(b.value) - labelWidth).toFixed(1)}" height="${barHeight}" fill="${color}"/>` +
        text(sx(b.value) + 4, y + 13, b.value.toFixed(2));
    }),
    `<line x1="${sx(reference)}" x2="${sx(reference)}" y1="${PAD.top - 4}" y2="${bottom}" stroke="#333" stroke-dasharray="4 3"/>`,
    text(sx(reference), bottom + 16, String(reference), 'text-anchor="middle"'),
    text(labelWidth, bottom + 16, '0', 'text-anchor="middle"'),
    ...(max > reference ? [text(sx(max), bottom + 16, fmt(max), 'text-anchor="middle"')] : []),
  ];
  return { width: WIDTH, height, body: parts.join('\n') };
}

export function svgDocument(charts: Chart[]): string {
  const width = Math.max(WIDTH, ...charts.map((c) => c.width));
  let y = 0;
  const groups = charts.map((c) => {
    const g = `<g transform="translate(0 ${y})">\n${c.body}\n</g>`;
    y += c.height + 10;
    return g;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif" font-size="12">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${groups.join('\n')}\n</svg>\n`;
}

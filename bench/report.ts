/** The figures of a bench run as a Markdown table and an SVG chart (written by hand: no chart library). */
import type { RateLimitFamily } from 'temporal-okta-emulator/rate-limits';
import type { Chart, Measured, Side } from './measure.js';

const fmt = (n: number) =>
  Number.isInteger(n)
    ? n.toLocaleString('en-US')
    : n >= 100
      ? n.toFixed(0)
      : n >= 10
        ? n.toFixed(1)
        : n.toFixed(2);

function sideCell(side: Side, unit: string): string {
  const extra = Object.entries(side.figures ?? {})
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
  return `${side.label}: ${fmt(side.median)} ${unit}${extra ? ` (${extra})` : ''}`;
}

/** One row per benchmark: what ran against what, the ratio, and each goal met or not. */
export function markdownReport(
  results: Measured[],
  context: { command: string; scale: number; when: string },
) {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const rows = results.map((r) =>
    [
      r.name,
      sideCell(r.candidate, r.unit),
      sideCell(r.baseline, r.unit),
      `**${r.ratio.toFixed(3)}** (${r.note})`,
      (r.goals ?? []).map((g) => `${g.met ? '✅' : '❌'} ${g.goal}`).join('<br>') || '–',
    ]
      .map(esc)
      .join(' | '),
  );
  return [
    `# Benchmarks, ${context.when}`,
    '',
    `\`${context.command}\` (scale ${context.scale}; Node ${process.version}).`,
    '',
    '| benchmark | candidate | baseline | ratio | goals |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
  ].join('\n');
}

const COLORS: Record<RateLimitFamily, string> = {
  users: '#1f77b4',
  'users-by-id': '#2ca02c',
  groups: '#ff7f0e',
  'groups-by-id': '#9467bd',
  oauth2: '#8c564b',
  'api-default': '#7f7f7f',
};

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** One panel: a line per family, its budget as a dashed line in the same colour, 429s as red bars. */
function panel(chart: Chart, top: number, width: number, height: number): string {
  const left = 56;
  const right = 190;
  const plotW = width - left - right;
  const plotH = height - 56;
  const y0 = top + 28 + plotH;
  // The families that carry the run: a token request or two would only add a budget line.
  const total = (f: RateLimitFamily) => chart.timeline.calls[f]!.reduce((a, b) => a + b, 0);
  const all = Object.keys(chart.timeline.calls) as RateLimitFamily[];
  const busiest = Math.max(0, ...all.map(total));
  const families = all.filter((f) => total(f) > 0 && total(f) >= busiest * 0.05);
  // Each window the emulator kept, as a step at the calls it granted per second of the window.
  const series = families.map((f) => ({
    family: f,
    steps: (chart.timeline.windows[f] ?? []).map((w) => ({ ...w, rate: w.calls / chart.windowSeconds })),
    budget: (chart.budgets[f] ?? 0) / chart.windowSeconds,
  }));
  const seconds = Math.max(1, chart.timeline.seconds);
  const yMax =
    Math.max(
      1,
      ...series.flatMap((s) => [...s.steps.map((w) => w.rate), s.budget]),
      ...chart.timeline.rateLimited,
    ) * 1.1;
  const x = (s: number) => left + (s / seconds) * plotW;
  const y = (v: number) => y0 - (v / yMax) * plotH;
  const parts: string[] = [
    `<text x="${left}" y="${top + 16}" font-size="13" font-weight="bold">${escapeXml(chart.title)}</text>`,
    `<line x1="${left}" y1="${y0}" x2="${left + plotW}" y2="${y0}" stroke="#333"/>`,
    `<line x1="${left}" y1="${y0}" x2="${left}" y2="${y0 - plotH}" stroke="#333"/>`,
    `<text x="${left - 6}" y="${y(0) + 4}" font-size="10" text-anchor="end">0</text>`,
    `<text x="${left - 6}" y="${y(yMax / 1.1) + 4}" font-size="10" text-anchor="end">${fmt(yMax / 1.1)}</text>`,
    `<text x="${left + plotW}" y="${y0 + 14}" font-size="10" text-anchor="end">${seconds} s</text>`,
    `<text x="${left}" y="${y0 + 14}" font-size="10">0 s</text>`,
    `<text x="14" y="${y0 - plotH / 2}" font-size="10" transform="rotate(-90 14 ${y0 - plotH / 2})" text-anchor="middle">calls/s per ${chart.windowSeconds} s window</text>`,
  ];
  chart.timeline.rateLimited.forEach((n, s) => {
    if (n > 0)
      parts.push(
        `<rect x="${x(s)}" y="${y(n)}" width="${Math.max(1, plotW / seconds)}" height="${y0 - y(n)}" fill="#d62728" opacity="0.6"/>`,
      );
  });
  series.forEach(({ family, steps, budget }, i) => {
    const color = COLORS[family];
    const points = steps
      .flatMap((w) => [
        [w.start, 0],
        [w.start, w.rate],
        [Math.min(w.end, seconds), w.rate],
        [Math.min(w.end, seconds), 0],
      ])
      .map(([s, r]) => `${x(s!).toFixed(1)},${y(r!).toFixed(1)}`)
      .join(' ');
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${x(0)},${y0} ${points}"/>`,
      `<line x1="${left}" y1="${y(budget)}" x2="${left + plotW}" y2="${y(budget)}" stroke="${color}" stroke-dasharray="5 4"/>`,
      `<line x1="${left + plotW + 12}" y1="${top + 34 + i * 16}" x2="${left + plotW + 30}" y2="${top + 34 + i * 16}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${left + plotW + 34}" y="${top + 38 + i * 16}" font-size="10">${family} (budget ${fmt(budget)}/s)</text>`,
    );
  });
  const legendY = top + 38 + series.length * 16;
  parts.push(
    `<rect x="${left + plotW + 12}" y="${legendY - 8}" width="18" height="8" fill="#d62728" opacity="0.6"/>`,
    `<text x="${left + plotW + 34}" y="${legendY}" font-size="10">429s per second</text>`,
  );
  return parts.join('\n');
}

/**
 * Calls per second per rate-limit family over each run, from the emulator's request log: each of the
 * emulator's windows as a step at what it granted per second, against each family's budget (dashed).
 */
export function svgChart(charts: Chart[]): string {
  const width = 800;
  const height = 240;
  const panels = charts.map((c, i) => panel(c, i * height, width, height));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${Math.max(1, charts.length) * height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}

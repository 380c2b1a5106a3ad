import { cpus, loadavg, platform, totalmem } from 'node:os';
import type { Figure, FigureResult, Measurement } from './types.js';

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The figure's result over its runs (one or more): medians of value, floor and ratio (each run's
 * value ÷ its own floor), every run, and the spread of the values.
 */
export function toResult(figure: Figure, measured: Measurement | Measurement[]): FigureResult {
  const ms = Array.isArray(measured) ? measured : [measured];
  if (ms.length === 0) throw new RangeError('toResult: no measurement');
  const runs = ms.map((m) => ({ value: m.value, floor: m.floor, ratio: m.value / m.floor }));
  const values = runs.map((r) => r.value);
  const mid = median(values);
  return {
    name: figure.name,
    value: round(mid, 1),
    unit: figure.unit,
    floor: round(median(runs.map((r) => r.floor)), 1),
    ratio: round(median(runs.map((r) => r.ratio)), 3),
    runs: runs.map((r) => ({ value: round(r.value, 1), floor: round(r.floor, 1), ratio: round(r.ratio, 3) })),
    spreadPct: mid > 0 ? round(((Math.max(...values) - Math.min(...values)) / mid) * 100, 1) : 0,
  };
}

/** The notes of the run whose ratio is the median one (its latencies, counts…). */
export function medianRunNotes(measured: Measurement[]): string[] {
  const ratios = measured.map((m) => m.value / m.floor);
  const mid = median(ratios);
  let best = 0;
  for (let i = 1; i < ratios.length; i++)
    if (Math.abs(ratios[i] - mid) < Math.abs(ratios[best] - mid)) best = i;
  return measured[best]?.notes ?? [];
}

export function machineInfo(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${cpu.length} cores (${model}), ${gib} GiB RAM, node ${process.version}, ${platform()} ${process.arch}`;
}

/** The 1-minute load average: other work on the machine makes every figure noisier. */
export function machineLoad(): string {
  return loadavg()[0].toFixed(2);
}

export type Row =
  | { figure: Figure; result: FigureResult; notes: string[] }
  | { figure: Figure; error: string };

/** Left-aligned text columns, the numeric ones right-aligned. */
function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const number = (n: number) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function targetText(f: Figure): string {
  const parts: string[] = [];
  if (f.target !== undefined) parts.push(`${f.lowerIsBetter ? '≤' : '≥'} ${f.target.toFixed(2)}`);
  if (f.valueLimit !== undefined) parts.push(`< ${number(f.valueLimit)} ${f.unit}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

function runMeets(f: Figure, value: number, ratio: number): boolean {
  const ratioOk = f.target === undefined || (f.lowerIsBetter ? ratio <= f.target : ratio >= f.target);
  const valueOk = f.valueLimit === undefined || value < f.valueLimit;
  return ratioOk && valueOk;
}

/** Whether the medians meet the target, and how many of the runs did. */
function targetMet(f: Figure, r: FigureResult): string {
  if (f.target === undefined && f.valueLimit === undefined) return '—';
  const runs = r.runs.filter((run) => runMeets(f, run.value, run.ratio)).length;
  return `${runMeets(f, r.value, r.ratio) ? 'yes' : 'NO'} (${runs}/${r.runs.length})`;
}

function spreadText(r: FigureResult): string {
  if (r.runs.length < 2) return '—';
  const ratios = r.runs.map((x) => x.ratio);
  return `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}, ±${(r.spreadPct / 2).toFixed(0)}%`;
}

/** The human report: machine, table with targets, then what each value and floor is. */
export function formatReport(rows: Row[], settings: string, loadAtStart: string): string {
  const body = rows.map((row) => {
    if ('error' in row) return [row.figure.name, 'FAILED', '', '', '', targetText(row.figure), 'FAILED'];
    const { result, figure } = row;
    return [
      figure.name,
      `${number(result.value)} ${result.unit}`,
      `${number(result.floor)} ${result.unit}`,
      result.ratio.toFixed(3),
      spreadText(result),
      targetText(figure),
      targetMet(figure, result),
    ];
  });
  const out = [
    'obmock benchmark',
    `machine: ${machineInfo()}`,
    `load average (1 min): ${loadAtStart} at start, ${machineLoad()} at end`,
    `settings: ${settings}`,
    '',
    table(
      ['figure', 'value', 'floor', 'ratio', 'ratio range, value spread', 'target', 'met (runs)'],
      body,
      new Set([1, 2, 3]),
    ),
    'value, floor and ratio are medians over the runs; the spread is (max − min) / median of the values, halved.',
    '',
  ];
  for (const row of rows) {
    out.push(`${row.figure.name}`);
    out.push(`  value: ${row.figure.description}`);
    out.push(`  floor: ${row.figure.floorDescription}`);
    if ('error' in row) out.push(`  FAILED: ${row.error}`);
    else {
      const runs = row.result.runs;
      if (runs.length > 1)
        out.push(
          `  runs: ${runs.map((r) => `${number(r.value)} / ${number(r.floor)} = ${r.ratio.toFixed(3)}`).join('; ')}`,
        );
      for (const note of row.notes) out.push(`  ${note}`);
    }
  }
  return out.join('\n');
}

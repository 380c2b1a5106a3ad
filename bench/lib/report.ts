import { cpus, loadavg, platform, totalmem } from 'node:os';
import type { Figure, FigureResult, Measurement } from './types.js';

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function toResult(figure: Figure, m: Measurement): FigureResult {
  return {
    name: figure.name,
    value: round(m.value, 1),
    unit: figure.unit,
    floor: round(m.floor, 1),
    ratio: round(m.value / m.floor, 3),
  };
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
  if (f.target === undefined) return '—';
  const ratio = `${f.lowerIsBetter ? '≤' : '≥'} ${f.target.toFixed(2)}`;
  return f.valueLimit === undefined ? ratio : `${ratio}, < ${f.valueLimit} ${f.unit}`;
}

function targetMet(f: Figure, value: number, ratio: number): string {
  if (f.target === undefined) return '—';
  const ratioOk = f.lowerIsBetter ? ratio <= f.target : ratio >= f.target;
  const valueOk = f.valueLimit === undefined || value < f.valueLimit;
  return ratioOk && valueOk ? 'yes' : 'NO';
}

/** The human report: machine, table with targets, then what each value and floor is. */
export function formatReport(rows: Row[], settings: string, loadAtStart: string): string {
  const body = rows.map((row) => {
    if ('error' in row) return [row.figure.name, 'FAILED', '', '', targetText(row.figure), 'FAILED'];
    const { result, figure } = row;
    return [
      figure.name,
      `${number(result.value)} ${result.unit}`,
      `${number(result.floor)} ${result.unit}`,
      result.ratio.toFixed(3),
      targetText(figure),
      targetMet(figure, result.value, result.ratio),
    ];
  });
  const out = [
    'obmock benchmark',
    `machine: ${machineInfo()}`,
    `load average (1 min): ${loadAtStart} at start, ${machineLoad()} at end`,
    `settings: ${settings}`,
    '',
    table(['figure', 'value', 'floor', 'ratio', 'target', 'met'], body, new Set([1, 2, 3])),
    '',
  ];
  for (const row of rows) {
    out.push(`${row.figure.name}`);
    out.push(`  value: ${row.figure.description}`);
    out.push(`  floor: ${row.figure.floorDescription}`);
    if ('error' in row) out.push(`  FAILED: ${row.error}`);
    else for (const note of row.notes) out.push(`  ${note}`);
  }
  return out.join('\n');
}

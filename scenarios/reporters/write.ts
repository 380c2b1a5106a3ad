import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunSummary } from '../types.js';
import { toHtmlReport } from './html.js';
import { toJsonReport } from './json.js';
import { toJUnitXml } from './junit.js';

export type ReportFormat = 'json' | 'junit' | 'html';

export const REPORT_FILES: Record<ReportFormat, string> = {
  json: 'report.json',
  junit: 'junit.xml',
  html: 'report.html',
};

const RENDER: Record<ReportFormat, (summary: RunSummary) => string> = {
  json: toJsonReport,
  junit: toJUnitXml,
  html: toHtmlReport,
};

export interface WriteReportsOptions {
  reporters: ReportFormat[];
  /** Created if missing. */
  outDir: string;
}

/** Paths written, absolute, by format. */
export type WrittenReports = Partial<Record<ReportFormat, string>>;

/** Writes `report.json`, `junit.xml` and/or `report.html` into outDir; returns their paths. */
export async function writeReports(summary: RunSummary, opts: WriteReportsOptions): Promise<WrittenReports> {
  const formats = [...new Set(opts.reporters)];
  for (const f of formats) {
    if (!(f in RENDER)) throw new TypeError(`unknown report format "${f}" (json, junit or html)`);
  }
  const dir = resolve(opts.outDir);
  await mkdir(dir, { recursive: true });
  const written: WrittenReports = {};
  for (const f of formats) {
    const path = join(dir, REPORT_FILES[f]);
    await writeFile(path, RENDER[f](summary), 'utf8');
    written[f] = path;
  }
  return written;
}

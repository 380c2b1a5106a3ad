import type { RunSummary } from '../types.js';
import { exchangeCertificates } from './certificates.js';
import { maskSummary } from './mask.js';

/** Identifies the report's shape; bumped when a field changes meaning or goes away. */
export const JSON_REPORT_FORMAT = 'obmock-scenario-report';
export const JSON_REPORT_VERSION = 1;

/**
 * The whole run as JSON: a top-level summary, then every scenario with every step and every
 * request/response (secrets masked twice), each exchange's JWTs decoded beside its raw bodies
 * and any certificate in it decoded.
 */
export function toJsonReport(summary: RunSummary): string {
  const run = maskSummary(summary);
  const report = {
    format: JSON_REPORT_FORMAT,
    version: JSON_REPORT_VERSION,
    summary: {
      target: run.target,
      startedAt: run.startedAt,
      durationMs: run.durationMs,
      total: run.results.length,
      passed: run.passed,
      failed: run.failed,
      skipped: run.skipped,
      failedIds: run.results.filter((r) => r.outcome === 'failed').map((r) => r.id),
      skippedIds: run.results.filter((r) => r.outcome === 'skipped').map((r) => r.id),
    },
    scenarios: run.results.map((r) => ({
      id: r.id,
      title: r.title,
      reference: r.reference,
      ...(r.conformanceCase ? { conformanceCase: r.conformanceCase } : {}),
      tags: r.tags,
      outcome: r.outcome,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      durationMs: r.durationMs,
      steps: r.steps.map((s) => ({
        name: s.name,
        ok: s.ok,
        ...(s.error !== undefined ? { error: s.error } : {}),
        exchanges: s.exchanges.map((e) => {
          const certificates = exchangeCertificates(e);
          return { ...e, ...(certificates.length > 0 ? { certificates } : {}) };
        }),
      })),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

import type { RunSummary } from '../types.js';
import { exchangeCertificates } from './certificates.js';
import { maskSummary } from './mask.js';

/** Identifies the report's shape; bumped when a field changes meaning or goes away. */
export const JSON_REPORT_FORMAT = 'obmock-scenario-report';
export const JSON_REPORT_VERSION = 2;

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
      warnings: run.warnings,
      skipped: run.skipped,
      blocked: run.blocked,
      failedIds: run.results.filter((r) => r.outcome === 'failed').map((r) => r.id),
      warningIds: run.results.filter((r) => r.outcome === 'warning').map((r) => r.id),
      skippedIds: run.results.filter((r) => r.outcome === 'skipped').map((r) => r.id),
      blockedIds: run.results.filter((r) => r.outcome === 'blocked').map((r) => r.id),
      learned: run.learned ?? [],
      baselines: run.baselines ?? [],
      ...(run.configurationProblem ? { configurationProblem: run.configurationProblem } : {}),
    },
    scenarios: run.results.map((r) => ({
      id: r.id,
      title: r.title,
      reference: r.reference,
      level: r.level,
      rules: r.rules,
      ...(r.baseline ? { baseline: r.baseline } : {}),
      ...(r.expectation ? { expectation: r.expectation } : {}),
      ...(r.conformanceCase ? { conformanceCase: r.conformanceCase } : {}),
      tags: r.tags,
      outcome: r.outcome,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      durationMs: r.durationMs,
      steps: r.steps.map((s) => ({
        name: s.name,
        ok: s.ok,
        ...(s.error !== undefined ? { error: s.error } : {}),
        ...(s.expectation !== undefined ? { expectation: s.expectation } : {}),
        exchanges: s.exchanges.map((e) => {
          const certificates = exchangeCertificates(e);
          return { ...e, ...(certificates.length > 0 ? { certificates } : {}) };
        }),
      })),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

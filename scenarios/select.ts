import type { Scenario } from './types.js';

/**
 * A pattern selects scenarios by id or tag: `*` is a wildcard, matching is
 * case-insensitive; a pattern without `*` matches an id prefix or a whole tag.
 */
export function matches(s: Scenario, pattern: string): boolean {
  const p = pattern.toLowerCase();
  if (p.includes('*')) {
    const re = new RegExp(
      `^${p
        .split('*')
        .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    return re.test(s.id.toLowerCase()) || s.tags.some((t) => re.test(t.toLowerCase()));
  }
  return s.id.toLowerCase().startsWith(p) || s.tags.some((t) => t.toLowerCase() === p);
}

export function selectScenarios(all: Scenario[], only: string[] = [], skip: string[] = []): Scenario[] {
  return all.filter(
    (s) => (only.length === 0 || only.some((p) => matches(s, p))) && !skip.some((p) => matches(s, p)),
  );
}

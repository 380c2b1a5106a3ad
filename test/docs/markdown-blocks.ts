import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One fenced code block of a markdown file, with the doc-test directive written above it. */
export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  info: string;
  body: string;
  /** `<!-- doc-test: MODE ARG -->` on the last non-blank line before the fence. */
  mode?: string;
  arg?: string;
}

const DIRECTIVE = /^<!--\s*doc-test:\s*([a-z-]+)\s*(.*?)\s*-->$/;

export function markdownBlocks(root: string, file: string): DocBlock[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    let end = i + 1;
    while (end < lines.length && !lines[end].startsWith(fence)) end++;
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const directive = before >= 0 ? DIRECTIVE.exec(lines[before].trim()) : null;
    blocks.push({
      file,
      line: i + 1,
      info: open[2].trim().split(/\s+/)[0] ?? '',
      body: lines.slice(i + 1, end).join('\n') + (end > i + 1 ? '\n' : ''),
      ...(directive ? { mode: directive[1], arg: directive[2] } : {}),
    });
    i = end;
  }
  return blocks;
}

/** README.md first, then docs/*.md in name order: the order the blocks run in. */
export function documentedFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

export const SHELL = new Set(['sh', 'bash', 'shell']);
export const TYPESCRIPT = new Set(['ts', 'typescript']);

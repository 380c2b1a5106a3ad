import { constants, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../../lib/store/index.js';
import { openJournal } from '../../lib/store/open-journal.js';
import { tempDir } from '../helpers/temp-dir.js';

// The open flags of a file descriptor, as Linux reports them in /proc/self/fdinfo (octal).
const linux = process.platform === 'linux';
function openFlags(fd: number): number {
  const line = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('flags:'));
  if (!line) throw new Error(`no flags for fd ${fd}`);
  return Number.parseInt(line.split(/\s+/)[1], 8);
}
/** The flags of this process's open descriptors on `path`. */
function flagsOfOpen(path: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${name}`);
    } catch {
      continue; // closed meanwhile
    }
    if (target === path) out.push(openFlags(Number(name)));
  }
  return out;
}

describe.runIf(linux)('openJournal', () => {
  it('opens for appending with O_DSYNC, mode 0600: each write is durable when it returns', async () => {
    const path = join(tempDir('obmock-journal-'), 'journal.jsonl');
    const j = await openJournal(path);
    try {
      expect(j.writesAreDurable).toBe(true);
      const flags = openFlags(j.file.fd);
      expect(flags & constants.O_DSYNC).toBe(constants.O_DSYNC);
      expect(flags & constants.O_APPEND).toBe(constants.O_APPEND);
      expect(flags & 0o3).toBe(constants.O_WRONLY); // the access mode bits
      expect(statSync(path).mode & 0o777).toBe(0o600);
      await j.file.write(Buffer.from('one\n'));
      await j.file.write(Buffer.from('two\n'));
      expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n');
    } finally {
      await j.file.close();
    }
  });

  it('appends to what is there, never truncates', async () => {
    const path = join(tempDir('obmock-journal-'), 'journal.jsonl');
    const a = await openJournal(path);
    await a.file.write(Buffer.from('kept\n'));
    await a.file.close();
    const b = await openJournal(path);
    await b.file.write(Buffer.from('added\n'));
    await b.file.close();
    expect(readFileSync(path, 'utf8')).toBe('kept\nadded\n');
  });

  it('without O_DSYNC it says so, and the caller must fdatasync', async () => {
    const path = join(tempDir('obmock-journal-'), 'journal.jsonl');
    const j = await openJournal(path, { dsync: false });
    try {
      expect(j.writesAreDurable).toBe(false);
      expect(openFlags(j.file.fd) & constants.O_DSYNC).toBe(0);
      expect(openFlags(j.file.fd) & constants.O_APPEND).toBe(constants.O_APPEND);
    } finally {
      await j.file.close();
    }
  });
});

describe.runIf(linux)('FileStore journal', () => {
  it('keeps its journal open with O_DSYNC, also the new one a compaction starts', async () => {
    const dir = tempDir('obmock-journal-');
    const journal = join(dir, 'journal.jsonl');
    const store = await FileStore.open(dir, { collections: { things: 2 }, compactBytes: 4096 });
    try {
      expect(flagsOfOpen(journal).map((f) => f & constants.O_DSYNC)).toEqual([constants.O_DSYNC]);
      // past 4 KiB of journal the store sets it aside and opens a new one
      for (let i = 0; i < 40; i++) await store.put('things', `id${i}`, { i, pad: 'x'.repeat(200) });
      await store.settled();
      expect(store.stats.compactions).toBeGreaterThan(0);
      expect(flagsOfOpen(journal).map((f) => f & constants.O_DSYNC)).toEqual([constants.O_DSYNC]);
      expect(store.stats.fileWrites).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
    const reopened = await FileStore.open(dir, { collections: { things: 2 } });
    expect(reopened.list('things')).toHaveLength(40);
    await reopened.close();
  });
});

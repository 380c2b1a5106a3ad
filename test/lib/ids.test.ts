import { describe, expect, it } from 'vitest';
import { newCredential, newSecret } from '../../lib/ids.js';

describe('credentials', () => {
  it('never start with a dash (a command-line value starting with one reads as an option)', () => {
    // one plain base64url draw in 64 starts with '-': 5,000 draws all miss it with chance ≈ 1e-34
    for (let i = 0; i < 5_000; i++) {
      expect(newSecret()[0]).not.toBe('-');
      expect(newCredential(27)[0]).not.toBe('-');
    }
  });

  it('are base64url of the bytes asked for', () => {
    expect(newSecret()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{42}$/);
    expect(newCredential(27)).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{35}$/);
    expect(new Set(Array.from({ length: 100 }, () => newSecret())).size).toBe(100);
  });
});

/** The console's sessions: a full table closes the session unused the longest (console/sessions.ts). */
import { describe, expect, it } from 'vitest';
import { createSessions } from '../../console/sessions.js';

const TOKEN = 'sessions-test-admin-token';

describe('a full table of sessions', () => {
  // max 3; `use` lists the sessions (by the order they were opened) used before the 4th opens
  it.each([
    { use: [], closed: 0 },
    { use: [0], closed: 1 },
    { use: [0, 1], closed: 2 },
    { use: [1, 0], closed: 2 },
    { use: [2, 1, 0], closed: 2 },
    { use: [0, 1, 2], closed: 0 },
  ])('opened in order, then used $use: the 4th closes session $closed', ({ use, closed }) => {
    let clock = 0;
    const sessions = createSessions({ adminToken: TOKEN, max: 3, now: () => clock });
    const opened = [0, 1, 2].map(() => {
      clock += 1;
      return sessions.signInWithAdminToken(TOKEN)!.id;
    });
    for (const i of use) {
      clock += 1;
      expect(sessions.find(opened[i])).toBeDefined();
    }
    clock += 1;
    const fourth = sessions.signInWithAdminToken(TOKEN)!.id;
    expect(sessions.find(fourth)).toBeDefined();
    opened.forEach((id, i) => {
      expect(sessions.find(id) === undefined).toBe(i === closed);
    });
  });

  it('a busy session outlives any number of sign-ins that are not used', () => {
    let clock = 0;
    const sessions = createSessions({ adminToken: TOKEN, max: 3, now: () => clock });
    const presenter = sessions.signInWithAdminToken(TOKEN)!.id;
    for (let i = 0; i < 50; i++) {
      clock += 1;
      sessions.signInWithAdminToken(TOKEN);
      expect(sessions.find(presenter)).toBeDefined(); // the presenter keeps using the console
    }
  });
});

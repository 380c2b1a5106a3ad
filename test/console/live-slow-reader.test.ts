/**
 * The live flow's slow-reader cut (docs/console.md, "Live flow limits": a tab 1 MiB of unsent
 * summaries behind is cut off; the browser reconnects and resumes after the last message it got).
 * A reader that connects and then reads nothing, while messages keep coming: the console cuts it
 * off, the bytes it holds for it never pass the limit by more than one summary, a reading tab gets
 * every message meanwhile, and a reconnect with the last id the slow reader got resumes after it.
 */
import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { summaryFrame } from '../../console/live-summary.js';
import { TAB_BUFFER_BYTES } from '../../console/pages/live.js';
import {
  type FakeTap,
  type LiveConsole,
  openTab,
  startFakeTap,
  startLiveConsole,
  tapped,
} from '../helpers/live-console.js';

let tap: FakeTap;
let con: LiveConsole;
let seq = 0;

beforeAll(async () => {
  tap = await startFakeTap();
  con = await startLiveConsole(tap, { capacity: 20_000 });
  await vi.waitFor(() => expect(tap.followers()).toBe(1));
});
afterAll(async () => {
  await con?.close();
  await tap?.close();
});

/** Pushes `n` large messages through the tap and waits until the console's feed holds them; the last id. */
async function pushMany(n: number): Promise<number> {
  const before = con.live.messages().at(-1)?.id ?? 0;
  for (let i = 0; i < n; i++) {
    seq += 1;
    tap.push(
      tapped(seq, {
        // each text of a summary is cut to 200 characters: about 800 bytes a summary
        path: `/banks/default/register/${'p'.repeat(300)}${seq}`,
        requestHeaders: { 'user-agent': `${'u'.repeat(300)}${seq}` },
      }),
    );
  }
  await vi.waitFor(() => expect(con.live.messages().at(-1)?.id).toBe(before + n), { timeout: 20_000 });
  return before + n;
}

/** A reader that sends its request and then reads nothing (its socket paused): it never drains. */
function stalledReader(cookie: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(con.url);
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `GET /live/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nAccept: text/event-stream\r\nX-Test: stalled\r\n\r\n`,
      );
      socket.pause();
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

/** Reads what a paused socket holds (and what the server had sent it) until it ends. */
function drain(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.resume();
  });
}

describe('a tab that stops reading', { timeout: 90_000 }, () => {
  it('is cut off past 1 MiB behind, its queue bounded; other tabs get everything; a reconnect resumes after its last message', async () => {
    const first = await pushMany(1);
    const frame = Buffer.byteLength(summaryFrame(con.live.message(first)!));
    expect(frame).toBeGreaterThan(700);

    // the server side of the stalled reader's stream: after each write, the bytes it holds for it
    let stalled: ServerResponse | undefined;
    let cut = false;
    let held = 0;
    con.server.prependListener('request', (req, res: ServerResponse) => {
      if (req.headers['x-test'] !== 'stalled') return;
      stalled = res;
      const write = res.write.bind(res) as (chunk: string) => boolean;
      res.write = ((chunk: string) => {
        const ok = write(chunk);
        held = Math.max(held, res.writableLength);
        return ok;
      }) as typeof res.write;
      res.on('close', () => {
        cut = true;
      });
    });

    const reading = await openTab(con.url, con.signIn());
    expect(reading.status).toBe(200);
    const socket = await stalledReader(con.signIn());
    await vi.waitFor(() => expect(stalled).toBeDefined());

    // messages keep coming: about 800 bytes each, batches of 500, until the stalled reader is cut off
    let last = first;
    let pushed = 0;
    while (!cut && pushed < 60_000) {
      last = await pushMany(500);
      pushed += 500;
    }
    expect(cut).toBe(true);
    // what the console queued for it never passed the limit by more than the summary that crossed it
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(TAB_BUFFER_BYTES + frame);

    // the reading tab got every message, the stalled one's cut changing nothing for it
    const more = await pushMany(10);
    expect(await reading.until(more)).toBe(more);
    const got = reading.ids.filter((id) => id > first);
    expect(got).toEqual(Array.from({ length: more - first }, (_, i) => first + 1 + i));

    // the stalled reader, reading at last, finds its stream ended before the newest messages
    const text = await drain(socket);
    const ids = [...text.matchAll(/^id: (\d+)\n(?:data: [^\n]*\n)\n/gm)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(0);
    const lastSeen = ids.at(-1)!;
    if (process.env.OBMOCK_TEST_LOG)
      console.log({ pushed, frame, held, lastSeen, last, received: Buffer.byteLength(text) });
    expect(lastSeen).toBeLessThan(last);

    // it reconnects with the last id it got: what follows it, up to the newest, none it had
    const resumed = await openTab(con.url, con.signIn(), { lastEventId: lastSeen });
    expect(resumed.status).toBe(200);
    expect(await resumed.until(more)).toBe(more);
    expect(resumed.ids[0]).toBeGreaterThan(lastSeen);
    expect(resumed.ids).toEqual(Array.from({ length: resumed.ids.length }, (_, i) => resumed.ids[0] + i));
    // and goes on receiving
    const after = await pushMany(3);
    expect(await resumed.until(after)).toBe(after);
    reading.close();
    resumed.close();
  });
});

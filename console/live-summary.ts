import { decodeMessage } from './decode-message.js';
import type { LiveMessage } from './live-feed.js';
import { visibleText } from './visible-text.js';

/** Characters kept of each text in a summary (path, caller, organisation, client, bank, refusal). */
export const SUMMARY_TEXT_CHARS = 200;

const short = (s: string): string => {
  const v = visibleText(s);
  return v.length > SUMMARY_TEXT_CHARS ? `${v.slice(0, SUMMARY_TEXT_CHARS - 1)}…` : v;
};

/** What the browser gets of each message in the stream: enough to draw it and filter it, each text bounded. */
export function liveSummary(m: LiveMessage) {
  const f = decodeMessage(m).facts;
  return {
    id: m.id,
    at: m.at,
    service: short(m.service),
    method: short(m.method),
    path: short(m.path),
    status: m.status,
    facts: {
      from: short(f.from),
      to: short(f.to),
      ...(f.org !== undefined ? { org: short(f.org) } : {}),
      ...(f.client !== undefined ? { client: short(f.client) } : {}),
      ...(f.bank !== undefined ? { bank: short(f.bank) } : {}),
      ...(f.refusal
        ? { refusal: { error: short(f.refusal.error), description: short(f.refusal.description) } }
        : {}),
    },
  };
}

const frames = new WeakMap<LiveMessage, string>();

/**
 * The message as one Server-Sent Event, made once however many tabs receive it (the feed's
 * ring holds the message; the frame goes when the message does).
 */
export function summaryFrame(m: LiveMessage): string {
  let frame = frames.get(m);
  if (frame === undefined) {
    frame = `id: ${m.id}\ndata: ${JSON.stringify(liveSummary(m))}\n\n`;
    frames.set(m, frame);
  }
  return frame;
}

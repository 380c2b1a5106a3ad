import type { Exchange } from '../types.js';
import { ellipsis, html, pathOf } from './text.js';

/** Someone in the diagram: a caller (`TPP`, `TPP-2`) or a host called. */
interface Participant {
  key: string;
  label: string;
  role: string;
}

const COL = 240;
const MARGIN = 16;
const HEAD_Y = 8;
const HEAD_H = 38;
const FIRST_ROW = HEAD_Y + HEAD_H + 28;
const ROW = 46;
const CHAR_W = 6.8;

const BANK_PATH = /(\.well-known\/|\/register|\/token|consents|\/admin\/faults|\/authori[sz]e|\/jwks)/i;
const DIRECTORY_PATH = /(keystore|organisation|software|\/ssa|\/ca\/|authorisation-servers|\/crl)/i;

/** What a host is, guessed from the paths called on it: `bank`, `directory` or `host`. */
function roleOf(host: string, exchanges: Exchange[]): string {
  const paths = exchanges.filter((e) => e.to === host).map((e) => pathOf(e.url));
  if (/directory|keystore/i.test(host) || paths.some((p) => DIRECTORY_PATH.test(p))) {
    if (!paths.some((p) => /\.well-known\/openid-configuration|\/register/i.test(p))) return 'directory';
  }
  if (/bank|aspsp/i.test(host) || paths.some((p) => BANK_PATH.test(p))) return 'bank';
  return 'host';
}

function participants(exchanges: Exchange[]): Participant[] {
  const callers: Participant[] = [];
  const hosts: Participant[] = [];
  for (const e of exchanges) {
    if (!callers.some((p) => p.key === `c:${e.from}`))
      callers.push({ key: `c:${e.from}`, label: e.from, role: 'client' });
    if (!hosts.some((p) => p.key === `h:${e.to}`)) hosts.push({ key: `h:${e.to}`, label: e.to, role: '' });
  }
  for (const h of hosts) h.role = roleOf(h.label, exchanges);
  // Callers on the left, then banks, then directories: arrows mostly run left to right.
  const order = ['bank', 'host', 'directory'];
  hosts.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
  return [...callers, ...hosts];
}

function arrow(x1: number, x2: number, y: number, colour: string, dashed: boolean): string {
  const d = x2 >= x1 ? 1 : -1;
  const dash = dashed ? ' stroke-dasharray="5 3"' : '';
  return (
    `<line x1="${x1}" y1="${y}" x2="${x2 - 7 * d}" y2="${y}" stroke="${colour}" stroke-width="1.5"${dash}/>` +
    `<polygon points="${x2},${y} ${x2 - 9 * d},${y - 4.5} ${x2 - 9 * d},${y + 4.5}" fill="${colour}"/>`
  );
}

function label(text: string, x: number, y: number, maxWidth: number, colour = '#1f2328'): string {
  const fitted = ellipsis(text, Math.max(4, Math.floor(maxWidth / CHAR_W)));
  // a white halo keeps a label readable where a lifeline crosses it
  return (
    `<text x="${x}" y="${y}" text-anchor="middle" fill="${colour}" stroke="#fff" stroke-width="3" ` +
    `paint-order="stroke">${html(fitted)}</text>`
  );
}

function statusColour(e: Exchange): string {
  if (e.error !== undefined || e.status === undefined) return '#cf222e';
  if (e.status >= 500) return '#cf222e';
  if (e.status >= 400) return '#bc4c00';
  return '#1a7f37';
}

/**
 * A sequence diagram (inline SVG) of who called whom: one lifeline per caller and per host,
 * a solid arrow per request (`n. METHOD path`) and a dashed one back with the status.
 * `anchor(i)` gives the id of exchange i's details, which each arrow links to.
 */
export function sequenceDiagram(exchanges: Exchange[], anchor: (i: number) => string): string {
  if (exchanges.length === 0) return '';
  const people = participants(exchanges);
  const x = (key: string): number => MARGIN + COL / 2 + people.findIndex((p) => p.key === key) * COL;
  const width = MARGIN * 2 + people.length * COL;
  const height = FIRST_ROW + exchanges.length * ROW;
  const parts: string[] = [];

  for (const p of people) {
    const cx = x(p.key);
    const fill = p.role === 'client' ? '#ddf4ff' : p.role === 'directory' ? '#fff8c5' : '#f6f8fa';
    parts.push(
      `<g class="seq-participant" data-role="${html(p.role)}">`,
      `<title>${html(`${p.label} (${p.role})`)}</title>`,
      `<rect x="${cx - COL / 2 + 8}" y="${HEAD_Y}" width="${COL - 16}" height="${HEAD_H}" rx="5" fill="${fill}" stroke="#57606a"/>`,
      label(p.label, cx, HEAD_Y + 16, COL - 24, '#1f2328'),
      label(p.role, cx, HEAD_Y + 31, COL - 24, '#57606a'),
      `<line x1="${cx}" y1="${HEAD_Y + HEAD_H}" x2="${cx}" y2="${height - 6}" stroke="#8c959f" stroke-dasharray="3 4"/>`,
      '</g>',
    );
  }

  exchanges.forEach((e, i) => {
    const from = x(`c:${e.from}`);
    const to = x(`h:${e.to}`);
    const y = FIRST_ROW + i * ROW;
    const span = Math.abs(to - from) - 8;
    const mid = (from + to) / 2;
    const request = `${i + 1}. ${e.method} ${pathOf(e.url)}`;
    const colour = statusColour(e);
    const back = e.error !== undefined ? `✗ ${e.error}` : `${e.status ?? '?'} · ${Math.round(e.ms)} ms`;
    parts.push(
      `<a href="#${html(anchor(i))}" class="seq-exchange" data-status="${html(e.status ?? 'error')}">`,
      `<title>${html(`${request} → ${e.error !== undefined ? `error: ${e.error}` : e.status}`)}</title>`,
      label(request, mid, y - 5, span),
      arrow(from, to, y, '#24292f', false),
      label(back, mid, y + 17, span, colour),
      arrow(to, from, y + 22, colour, true),
      '</a>',
    );
  });

  return (
    `<svg class="sequence" xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="11">` +
    `<title>${html(`Sequence of ${exchanges.length} HTTP exchange${exchanges.length === 1 ? '' : 's'}`)}</title>` +
    `${parts.join('')}</svg>`
  );
}

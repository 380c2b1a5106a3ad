/** Text helpers shared by the reporters: escaping, cleaning and shortening. */

/**
 * Code points XML 1.0 does not allow at all (C0 controls other than tab, LF and CR; lone
 * surrogates; U+FFFE and U+FFFF). Matched per code point (`u` flag), so valid pairs survive.
 */
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * ANSI terminal sequences: CSI (colours, cursor moves) and OSC (window title, hyperlinks; ended
 * by BEL or ESC \\) — noise once the ESC is gone.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the sequences removed
const ANSI_SEQUENCE = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;

/**
 * Removes the characters an XML 1.0 (and so an HTML) document cannot carry, and ANSI terminal
 * sequences, which would otherwise leave `[31m` behind.
 */
export function stripIllegalXmlChars(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(XML_ILLEGAL, '');
}

/** Text content for XML: illegal characters removed, `&`, `<` and `>` escaped. */
export function xmlText(text: string): string {
  return stripIllegalXmlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value for XML (double-quoted): line breaks and tabs kept as character references. */
export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** Text or attribute value for HTML: every markup character escaped, control characters removed. */
export function html(text: unknown): string {
  return stripIllegalXmlChars(String(text ?? ''))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** ANSI escape sequences and other control characters, which could rewrite a terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text for a terminal: escape sequences and control characters other than tab and line feed removed. */
export function terminalText(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(TERMINAL_UNSAFE, '');
}

/** One line for a terminal: escape sequences and control characters removed, white space collapsed. */
export function oneLine(text: string): string {
  return terminalText(text).replace(/\s+/g, ' ').trim();
}

/** Cuts text to `max` characters, saying how much was left out. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
}

/** Cuts a label to `max` characters with an ellipsis. */
export function ellipsis(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** The path and query of a URL (the whole string when it does not parse). */
export function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

/** A body made readable: JSON pretty-printed, anything else as it is. */
export function prettyBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(trimmed), null, 2);
    } catch {
      // not JSON after all (or cut short by the recorder's cap)
    }
  }
  return body;
}

/** Headers one per line, `name: value`. */
export function headerLines(headers: Record<string, string> | undefined): string {
  return Object.entries(headers ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

/** Seconds with millisecond precision, as JUnit's `time` attributes want. */
export function seconds(ms: number): string {
  return (Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000).toFixed(3);
}

/** A duration for people: `850 ms`, `4.2 s`, `2 min 5 s`. */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms - min * 60_000) / 1000)} s`;
}

/**
 * Characters a page shows as a visible mark, `[U+202E]`, instead of as themselves: control characters
 * other than tab, line feed and carriage return (C0, DEL, C1), and the bidirectional marks, embeddings,
 * overrides and isolates (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069). The services refuse
 * them in what they store (lib/free-text.ts), but the live flow shows what a caller sent: a
 * `client_name` of `safe\u202Egnp.exe` would otherwise display as `safeexe.png`.
 */
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const mark = (c: string): string => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`;

/** `s` with every invisible or reordering character replaced by its visible mark. */
export const visibleText = (s: string): string => s.replace(INVISIBLE, mark);

/**
 * Characters refused in free text the services store, sign or show back (names,
 * descriptions, contacts, CSR subjects, a client's `client_name`), and in URIs:
 * - control characters: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F) — a NUL or a
 *   line break in an organisation name ends up in an SSA's `org_name` and a certificate subject;
 * - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make
 *   a name display as something else ("Trojan Source", CVE-2021-42574).
 * Markup such as `<script>` is kept: it is text in JSON and in a JWT; HTML pages escape it.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;

/** What is wrong with `s` as free text (to follow the field's name), or undefined when it is fine. */
export function freeTextProblem(s: string): string | undefined {
  if (CONTROL_CHARACTERS.test(s)) return 'must not contain control characters (U+0000–U+001F, U+007F–U+009F)';
  if (BIDI_CONTROLS.test(s))
    return 'must not contain bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)';
  return undefined;
}

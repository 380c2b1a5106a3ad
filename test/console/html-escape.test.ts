/** What every console page does to the text it shows (console/html.ts, console/visible-text.ts). */
import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../console/html.js';

describe('html escapes what it shows', () => {
  it.each([
    ['markup', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['quotes and ampersand', `a"b'c&d`, 'a&quot;b&#39;c&amp;d'],
    ['a right-to-left override (Trojan Source)', 'safe\u202Egnp.exe', 'safe[U+202E]gnp.exe'],
    ['embeddings and pop', '\u202A\u202B\u202C\u202D', '[U+202A][U+202B][U+202C][U+202D]'],
    ['isolates', '\u2066a\u2067b\u2068c\u2069', '[U+2066]a[U+2067]b[U+2068]c[U+2069]'],
    ['bidi marks', 'a\u200Eb\u200Fc\u061Cd', 'a[U+200E]b[U+200F]c[U+061C]d'],
    ['NUL and ESC (ANSI colour)', '\u0000\u001b[31mred', '[U+0000][U+001B][31mred'],
    ['DEL and C1 controls', '\u007f\u0085\u009b', '[U+007F][U+0085][U+009B]'],
    ['tab, line feed and carriage return stay', 'a\tb\nc\r\nd', 'a\tb\nc\r\nd'],
    ['other text stays', 'Zoë’s bank — 東京 😀', 'Zoë’s bank — 東京 😀'],
  ])('%s', (_name, input, shown) => {
    expect(escapeHtml(input)).toBe(shown);
    expect(html`<td>${input}</td>`.value).toBe(`<td>${shown}</td>`);
    expect(html`<i title="${input}"></i>`.value).toBe(`<i title="${shown}"></i>`);
  });
});

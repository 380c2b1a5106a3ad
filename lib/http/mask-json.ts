import { maskValue } from './mask-value.js';
import { isSecretField } from './secret-field.js';

/** A JSON member: a name (a string, escapes included), ':', and a string or other scalar value. */
const MEMBER = /"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"|[^,\s}\]]+)/g;

/** A JSON string's content as JSON.parse reads it (`\u005f` is '_'); as written when it is not valid. */
function decoded(content: string): string {
  if (!content.includes('\\')) return content;
  try {
    return JSON.parse(`"${content}"`) as string;
  } catch {
    return content;
  }
}

/**
 * JSON text with the value of every secret member masked, the member found by its name as
 * JSON.parse reads it (`"client\u005fsecret"` is client_secret) and the whole value masked,
 * spaces, commas and escaped quotes included. Everything else stays as written.
 */
export function maskJson(text: string): string {
  if (!text.includes('"')) return text;
  return text.replace(MEMBER, (member: string, name: string, colon: string, value: string) => {
    if (!isSecretField(decoded(name))) return member;
    // a string is masked by its characters (never cut inside an escape), anything else as written;
    // either way the result is a JSON string, so the body still parses
    const content = value.startsWith('"') ? decoded(value.slice(1, -1)) : value;
    return content === '' ? member : `"${name}"${colon}${JSON.stringify(maskValue(content))}`;
  });
}

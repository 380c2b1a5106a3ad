import { maskValue } from './mask-value.js';
import { isSecretField } from './secret-field.js';

/**
 * A field name as URLSearchParams (the bank's and the directory's form parser) and
 * Node's querystring (Express's query parser) read it: '+' is a space, `%XX` a byte, the
 * bytes UTF-8. Neither ever fails: a bad escape stays as written, a bad byte becomes U+FFFD.
 */
function decodedName(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  // raw holds no '&' and no '=': it is one field with an empty value
  for (const [name] of new URLSearchParams(raw.startsWith('?') ? `?${raw}` : raw)) return name;
  return '';
}

/**
 * An `application/x-www-form-urlencoded` text (a form body or a query string) with the value
 * of every secret field masked, the field found by its name as the server decodes it
 * (`client%5Fsecret`, `%63lient_secret`… are `client_secret`). Everything else — other
 * fields, separators, the names themselves — stays exactly as written.
 */
export function maskForm(text: string): string {
  if (!text.includes('=')) return text;
  const fields = text.split('&');
  let changed = false;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const eq = field.indexOf('=');
    if (eq < 0 || eq === field.length - 1) continue;
    if (!isSecretField(decodedName(field.slice(0, eq)))) continue;
    fields[i] = `${field.slice(0, eq + 1)}${maskValue(field.slice(eq + 1))}`;
    changed = true;
  }
  return changed ? fields.join('&') : text;
}

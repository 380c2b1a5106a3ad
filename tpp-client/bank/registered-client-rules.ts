/**
 * What a bank may hand back as the values the TPP keeps: the TPP stores them, shows them and
 * sends them again, so a value that is no identifier (megabytes, escape sequences, markup) is a
 * broken answer, not a registration. RFC 6749 Appendix A: client_id and client_secret are
 * VSCHARs (printable ASCII, %x20-7E); a bearer token is b64token characters (RFC 6750 §2.1),
 * here any printable ASCII but space.
 */
interface ValueRule {
  /** Longest accepted value, in characters. */
  max: number;
  /** The characters a value may hold. */
  chars: RegExp;
  /** How `chars` reads in a message. */
  charsName: string;
}

const VSCHAR = /^[\x20-\x7e]*$/;
const TOKEN_CHARS = /^[\x21-\x7e]*$/;

export const REGISTERED_CLIENT_RULES: Readonly<Record<string, ValueRule>> = Object.freeze({
  client_id: { max: 1024, chars: VSCHAR, charsName: 'printable ASCII (RFC 6749 Appendix A)' },
  client_secret: { max: 1024, chars: VSCHAR, charsName: 'printable ASCII (RFC 6749 Appendix A)' },
  registration_access_token: {
    max: 8192,
    chars: TOKEN_CHARS,
    charsName: 'printable ASCII without spaces (RFC 6750)',
  },
  token_endpoint_auth_method: { max: 128, chars: TOKEN_CHARS, charsName: 'printable ASCII without spaces' },
});

/**
 * The first value of a registration response that breaks REGISTERED_CLIENT_RULES, as a sentence
 * naming the field and the rule (never the value); undefined when every present value keeps them.
 */
export function registeredClientProblem(body: Record<string, unknown>): string | undefined {
  for (const [field, rule] of Object.entries(REGISTERED_CLIENT_RULES)) {
    if (!Object.hasOwn(body, field)) continue;
    const value = body[field];
    if (typeof value !== 'string') return `the registration response's ${field} is not a string`;
    if (value.length > rule.max)
      return `the registration response's ${field} is ${value.length} characters long, more than ${rule.max}`;
    if (!rule.chars.test(value))
      return `the registration response's ${field} holds characters other than ${rule.charsName}`;
  }
  return undefined;
}

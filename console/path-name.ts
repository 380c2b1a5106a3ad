/** A name in a console path (or form) that names nothing the console can show: 404, said on the page. */
export class UnknownName extends Error {
  readonly status = 404;
  constructor(what: string) {
    super(`There is no such ${what}.`);
    this.name = 'UnknownName';
  }
}

/**
 * `value` when all of it is a name of `rule` (base62, 1–40 characters, by default); anything
 * else is `UnknownName`. Never a cleaned-up name: `ab$c` is not `abc`, `..` is not the empty
 * name — a console action must act on the record the address names or on none.
 */
export function pathName(value: unknown, what: string, rule: RegExp = /^[A-Za-z0-9]{1,40}$/): string {
  const v = String(value);
  if (!rule.test(v)) throw new UnknownName(what);
  return v;
}

import { describe, expect, it } from 'vitest';
import { UnsupportedMediaType } from '../../lib/errors.js';

// A 415 names the Content-Type it refused, but the header is the caller's text: only a media type
// is quoted back, never whatever else a caller wrote there.
describe('UnsupportedMediaType', () => {
  it.each([
    ['text/plain', "'text/plain'"],
    ['application/json; charset=utf-8', "'application/json; charset=utf-8'"],
    ['multipart/form-data; boundary="a b"', `'multipart/form-data; boundary="a b"'`],
    [undefined, '(none)'],
    ['', '(none)'],
  ])('quotes %j as %s', (got, shown) => {
    const e = new UnsupportedMediaType(got, ['application/json']);
    expect(e.status).toBe(415);
    expect(e.code).toBe('unsupported_media_type');
    expect(e.message).toBe(`Content-Type ${shown} is not accepted; use one of: application/json`);
  });

  it.each([
    ['a long header', `text/${'x'.repeat(5000)}`],
    ['an internal URL', 'see http://10.0.0.5:8080/admin'],
    ['a fake stack frame', 'text/plain\tat Object.<anonymous> (/srv/app/index.js:1:1)'],
    ['markup', 'text/<script>alert(1)</script>'],
    ['no subtype', 'json'],
  ])('does not quote %s', (_what, got) => {
    const e = new UnsupportedMediaType(got, ['application/json']);
    expect(e.message).toBe('Content-Type (not a media type) is not accepted; use one of: application/json');
  });
});

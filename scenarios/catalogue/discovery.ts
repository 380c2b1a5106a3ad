import type { Scenario } from '../types.js';

/** The media type of a `Content-Type` value: before any parameter, trimmed, lower case. */
const mediaTypeOf = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** What the discovery document itself must be, beyond the fields `DCR-001` reads. */
export const discovery: Scenario[] = [
  {
    id: 'DISC-json-media-type',
    rules: ['disc.json-media-type'],
    title: 'discovery is answered 200 with a JSON object as application/json',
    reference: 'OpenID Connect Discovery 1.0 §4.2',
    tags: ['discovery'],
    async run(t) {
      const res = await t.step('GET the discovery document', () =>
        t.tpp.http.request('GET', t.target.discoveryUrl, { headers: { Accept: 'application/json' } }),
      );
      await t.step('read its status, media type and body', async () => {
        t.check(res.status === 200, `the discovery document was answered ${res.status}, expected 200`);
        const type = mediaTypeOf(res.headers['content-type']);
        // Parameters such as `charset=utf-8` are allowed; the media type itself is fixed.
        t.check(
          type === 'application/json',
          type === ''
            ? 'the discovery document was answered without a Content-Type, expected application/json'
            : `the discovery document was answered as ${type}, expected application/json`,
        );
        let doc: unknown;
        try {
          doc = JSON.parse(res.text);
        } catch {
          t.fail('the discovery document is not JSON');
        }
        t.check(
          typeof doc === 'object' && doc !== null && !Array.isArray(doc),
          'the discovery document is not a JSON object',
        );
      });
    },
  },
];

import { describe, expect, it } from 'vitest';
import {
  PARSED_URL_MAX_LENGTH,
  PARSED_URLS_KEPT,
  parsedUrlCount,
  parseUrlRemembered,
} from '../../lib/parsed-url.js';
import { redirectUriProblem } from '../../lib/redirect-uri.js';
import { isUrl } from '../../lib/validate.js';

describe('URLs parsed once per distinct string', () => {
  it('gives the parts new URL gives, frozen, the same object for the same string', () => {
    for (const s of [
      'https://tpp.example.org/cb',
      'https://User:Pw@EXAMPLE.org:8443/a?b=c#frag',
      'http://[::1]:80/x',
      'https://0x7f000001/',
    ]) {
      const url = new URL(s);
      const parts = parseUrlRemembered(s);
      const keys = [
        'href',
        'protocol',
        'username',
        'password',
        'hostname',
        'port',
        'origin',
        'hash',
      ] as const;
      expect(Object.keys(parts ?? {}).sort()).toEqual([...keys].sort());
      for (const k of keys) expect(parts?.[k], `${s} ${k}`).toBe(url[k]);
      expect(Object.isFrozen(parts)).toBe(true);
      expect(parseUrlRemembered(s)).toBe(parts);
    }
  });

  it('refuses what is not a URL every time and never keeps it', () => {
    const before = parsedUrlCount();
    for (let i = 0; i < 3; i++) {
      expect(parseUrlRemembered('not a url')).toBeUndefined();
      expect(parseUrlRemembered('https://')).toBeUndefined();
    }
    expect(parsedUrlCount()).toBe(before);
    expect(isUrl('not a url', false)).toBe(false);
    expect(redirectUriProblem('https://a b/')).toBe('must not contain whitespace');
  });

  it('answers the callers as before: scheme, userinfo, host', () => {
    expect(isUrl('https://a.example/', true)).toBe(true);
    expect(isUrl('http://a.example/', true)).toBe(false);
    expect(isUrl('http://a.example/', false)).toBe(true);
    expect(isUrl('ftp://a.example/', false)).toBe(false);
    expect(redirectUriProblem('https://tpp.example.org/cb')).toBeUndefined();
    expect(redirectUriProblem('ftp://tpp.example.org/cb')).toBe('must be an absolute http(s) URL');
    expect(redirectUriProblem('https://tpp.example.org/cb#x')).toMatch(/fragment/);
    // parsed and kept once, the same answers the second time
    for (let i = 0; i < 2; i++)
      expect(redirectUriProblem('https://u:p@tpp.example.org/')).toBe('must not carry userinfo');
  });

  it(`keeps at most ${PARSED_URLS_KEPT} URLs, none longer than ${PARSED_URL_MAX_LENGTH} characters`, () => {
    for (let i = 0; i < PARSED_URLS_KEPT + 50; i++) parseUrlRemembered(`https://tpp-${i}.example.org/cb`);
    expect(parsedUrlCount()).toBe(PARSED_URLS_KEPT);
    const long = `https://tpp.example.org/${'a'.repeat(PARSED_URL_MAX_LENGTH)}`;
    const first = parseUrlRemembered(long);
    expect(first?.hostname).toBe('tpp.example.org');
    expect(parseUrlRemembered(long)).not.toBe(first);
  });
});

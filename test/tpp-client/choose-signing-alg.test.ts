import { describe, expect, it } from 'vitest';
import { chooseSigningAlg } from '../../tpp-client/index.js';

describe('chooseSigningAlg: the request object alg from discovery', () => {
  it.each([
    [undefined, 'PS256', 'PS256'],
    [[], 'PS256', 'PS256'],
    [['PS256', 'ES256'], 'PS256', 'PS256'],
    [['ES256'], 'PS256', 'ES256'],
    [['RS256', 'ES256'], 'PS256', 'ES256'],
    [['PS256'], 'ES256', 'PS256'],
    [['ES256', 'PS256'], 'ES256', 'ES256'],
    [['RS256'], 'PS256', 'PS256'],
    [['RS256'], 'RS256', 'RS256'],
  ] as const)('advertised %j, preferred %s → %s', (advertised, preferred, expected) => {
    expect(chooseSigningAlg(advertised, preferred)).toBe(expected);
  });
});

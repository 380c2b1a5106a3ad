import { describe, expect, it } from 'vitest';
import { unverifiedPayload } from '../../aspsp-mock/register/jws.js';

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const obj = b64('{"iss":"sw1","n":1}');

// unverifiedPayload reads the part between the first two dots (it used to split the whole text):
// the same answer for every shape of text, a JSON object or undefined
describe('unverifiedPayload', () => {
  it.each([
    ['', undefined],
    ['no dots', undefined],
    [`h.${obj}.sig`, { iss: 'sw1', n: 1 }],
    [`h.${obj}.`, { iss: 'sw1', n: 1 }],
    [`h.${obj}`, { iss: 'sw1', n: 1 }],
    [`.${obj}.`, { iss: 'sw1', n: 1 }],
    [`h.${obj}.sig.extra.parts`, { iss: 'sw1', n: 1 }],
    ['h..sig', undefined],
    ['h.', undefined],
    [`h.${b64('[1,2]')}.s`, undefined],
    [`h.${b64('"text"')}.s`, undefined],
    [`h.${b64('null')}.s`, undefined],
    [`h.${b64('{"a":')}.s`, undefined],
    ['h.%%%.s', undefined],
  ])('%j → %j', (text, expected) => {
    expect(unverifiedPayload(text)).toEqual(expected);
  });
});

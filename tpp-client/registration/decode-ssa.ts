import { decodeJwt } from 'jose';
import { RequestObjectError } from '../errors.js';
import type { SsaClaims } from '../types.js';

/** The claims of an SSA, without verifying it (the bank does that). Throws when it is not a JWT. */
export function decodeSsa(ssa: string): SsaClaims {
  try {
    return decodeJwt(ssa) as SsaClaims;
  } catch (err) {
    throw new RequestObjectError(`the software statement is not a decodable JWT: ${(err as Error).message}`);
  }
}

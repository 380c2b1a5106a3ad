import type { KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';

const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The protected header of a compact JWS, or undefined when it is not one. */
export function readCompactJws(text: string): ProtectedHeaderParameters | undefined {
  if (!COMPACT.test(text)) return undefined;
  try {
    return decodeProtectedHeader(text);
  } catch {
    return undefined;
  }
}

/** The unverified JSON payload of a compact JWS, or undefined. */
export function unverifiedPayload(text: string): Record<string, unknown> | undefined {
  try {
    const json = JSON.parse(Buffer.from(text.split('.')[1], 'base64url').toString('utf8'));
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies the signature with `key`, only for `algorithms`; resolves false on any failure. */
export async function signatureVerifies(jws: string, key: KeyObject, algorithms: string[]): Promise<boolean> {
  try {
    await compactVerify(jws, key, { algorithms });
    return true;
  } catch {
    return false;
  }
}

/** Header members that embed or point at a key: a registration request must use none of them. */
export const KEY_CARRYING_HEADERS = ['x5c', 'x5u', 'jwk', 'jku'] as const;

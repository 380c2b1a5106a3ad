import { randomUUID } from 'node:crypto';
import type { Discovery } from '../types.js';

/** Headers of an OB Read/Write API call: bearer token, a fresh x-fapi-interaction-id, the bank's financial id. */
export function resourceHeaders(
  discovery: Discovery,
  accessToken: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    Authorization: `Bearer ${accessToken}`,
    Accept: 'application/json',
    'x-fapi-interaction-id': randomUUID(),
    ...(discovery.ob_organisation_id ? { 'x-fapi-financial-id': discovery.ob_organisation_id } : {}),
    ...extra,
  };
}

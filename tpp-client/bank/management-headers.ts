/**
 * Headers of a GET/PUT/DELETE /register/{ClientId} call. `accessToken` undefined → no
 * Authorization header; '' → an empty bearer (`Authorization: Bearer`), as conformance tests send.
 */
export function managementHeaders(
  accessToken: string | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    Accept: 'application/json',
    ...(accessToken !== undefined ? { Authorization: `Bearer ${accessToken}` } : {}),
    ...extra,
  };
}

import { DirectoryError } from '../errors.js';
import { type DirectoryConnection, directoryCall } from './directory-call.js';

/**
 * `GET /v2.1/organisation/{org}/software-statement/{id}/software-statement-assertion`: a freshly
 * signed SSA (compact JWS). Banks enforce a maximum SSA age, so fetch one per registration run.
 */
export async function fetchSsa(
  dir: DirectoryConnection,
  organisationId: string,
  softwareStatementId: string,
  accessToken: string,
): Promise<string> {
  const step = 'fetch SSA';
  const res = await directoryCall(dir, step, {
    method: 'GET',
    path: `/v2.1/organisation/${encodeURIComponent(organisationId)}/software-statement/${encodeURIComponent(softwareStatementId)}/software-statement-assertion`,
    token: accessToken,
    accept: 'application/jwt',
  });
  const ssa = res.text.trim();
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(ssa)) {
    throw new DirectoryError(step, res.status, 'invalid_response', 'the answer is not a compact JWS');
  }
  return ssa;
}

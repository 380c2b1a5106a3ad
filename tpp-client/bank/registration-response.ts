import type { HttpResponse } from '../http/create-http-client.js';
import type { RegisteredClient, RegistrationResult } from '../types.js';
import { failureFrom, invalidResponse, isSuccess, jsonObjectOf } from './bank-response.js';
import { normaliseClient } from './normalise-client.js';
import { registeredClientProblem } from './registered-client-rules.js';

/**
 * POST/GET/PUT /register answer → `{ok: true, client}` (a 2xx JSON object with a client_id,
 * normalised by `normaliseClient`) or a failure; a 2xx whose client_id, secret, registration
 * access token or auth method breaks REGISTERED_CLIENT_RULES is `invalid_response`.
 */
export function registrationResult(res: HttpResponse): RegistrationResult {
  if (!isSuccess(res.status)) return failureFrom(res);
  const body = jsonObjectOf(res.text);
  if (!body) return invalidResponse(res, 'the registration response is not a JSON object');
  if (typeof body.client_id !== 'string' || body.client_id === '') {
    return invalidResponse(res, 'the registration response has no client_id');
  }
  const problem = registeredClientProblem(body);
  if (problem) return invalidResponse(res, problem);
  return {
    ok: true,
    status: res.status,
    headers: res.headers,
    raw: res.text,
    client: normaliseClient(body as RegisteredClient),
  };
}

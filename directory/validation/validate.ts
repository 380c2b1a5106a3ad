import { BadRequest } from '../../lib/errors.js';
import { type Schema, validateObject } from '../../lib/validate.js';

/** Validates a request body against a table; failures are 400 invalid_request naming the field. */
export function validateBody(body: Record<string, unknown>, schema: Schema): Record<string, unknown> {
  return validateObject(body, schema, (_field, message) => {
    throw new BadRequest(message);
  });
}

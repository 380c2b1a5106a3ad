import { BadRequest } from '../../lib/errors.js';

/** 400 for a listing's `limit` or `cursor` that is not one the admin API issues or accepts. */
export class InvalidPageRequest extends BadRequest {
  constructor(description: string) {
    super(description, 'invalid_request');
  }
}

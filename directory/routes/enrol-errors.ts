import { HttpError } from '../../lib/errors.js';

/** Error codes of the swagger's Enrol400BadRequestResponseSchema (the OB DCR codes). */
export type EnrolErrorCode =
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_software_statement'
  | 'unapproved_software_statement';

/** 400 of the eIDAS self-enrolment (`POST /v2.1/organisation` without the admin token). */
export class EnrolmentRefused extends HttpError {
  constructor(code: EnrolErrorCode, description: string) {
    super(400, code, description);
  }
}

/** 401 of the eIDAS self-enrolment: no trusted QWAC over mutual TLS. */
export class EnrolmentUnauthenticated extends HttpError {
  constructor(description: string) {
    super(401, 'invalid_client', description);
  }
}

import { Ajv, type ValidateFunction } from 'ajv';
import { REGISTRATION_RESPONSE_SCHEMAS } from './registration-response-schemas.js';

type Version = keyof typeof REGISTRATION_RESPONSE_SCHEMAS;

/**
 * What the swagger says in prose rather than schema: the DN claim is required iff
 * tls_client_auth. (A `client_secret` is allowed for every client: RFC 7591 §3.2.1 makes it
 * OPTIONAL and the OB Data Dictionary lets an ASPSP that supports secret methods issue one; what a
 * secret given to a keyed client must not do — authenticate it — is checked at the token endpoint.)
 */
function conditionals(version: Version): object[] {
  const dn = version === '3.1' ? 'tls_client_auth_dn' : 'tls_client_auth_subject_dn';
  return [
    {
      if: {
        properties: { token_endpoint_auth_method: { const: 'tls_client_auth' } },
        required: ['token_endpoint_auth_method'],
      },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema if/then
      then: { required: [dn] },
    },
  ];
}

const compiled = new Map<Version, ValidateFunction>();

function validator(version: Version): ValidateFunction {
  let v = compiled.get(version);
  if (!v) {
    // Formats (uri, JWT, int32) are the swagger's annotations, not checked here; types, enums,
    // lengths, patterns and required members are.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    v = ajv.compile({ ...REGISTRATION_RESPONSE_SCHEMAS[version], allOf: conditionals(version) });
    compiled.set(version, v);
  }
  return v;
}

/**
 * Problems of a registration response body (POST, GET or PUT /register) against the schema of
 * its OB DCR version; an empty list when it conforms. The request-only claims the v3.2/v3.3
 * swagger also lists for responses (iss, iat, exp, aud, jti — the request JWT's) are not
 * demanded: they describe the request, and RFC 7591 §3.2.1 returns client metadata.
 */
export function validateRegistrationResponse(body: unknown, version: Version = '3.3'): string[] {
  const validate = validator(version);
  if (validate(body)) return [];
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((e) => {
      const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'the body';
      if (e.keyword === 'if') return '';
      return `${where} ${e.message ?? 'is invalid'}${e.keyword === 'enum' ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})` : ''}`;
    })
    .filter(Boolean);
}

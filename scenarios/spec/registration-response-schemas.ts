/**
 * The registration response schema of each OB DCR version, from its swagger (OB open licence):
 * OBRegistrationProperties1 with client_id required, descriptions left out. Generated from the
 * swagger definitions; `conditionals` in validate-registration-response.ts adds the rules the
 * swagger states in prose (the DN claim iff tls_client_auth; no secret for a secretless method).
 */
export const REGISTRATION_RESPONSE_SCHEMAS = {
  '3.1': {
    $defs: {
      SupportedAlgorithms: {
        type: 'string',
        enum: ['RS256', 'PS256', 'ES256'],
      },
    },
    type: 'object',
    required: [
      'redirect_uris',
      'token_endpoint_auth_method',
      'grant_types',
      'software_statement',
      'application_type',
      'id_token_signed_response_alg',
      'request_object_signing_alg',
      'client_id',
    ],
    properties: {
      client_id: {
        type: 'string',
        minLength: 1,
        maxLength: 36,
      },
      client_secret: {
        type: 'string',
        minLength: 1,
        maxLength: 36,
      },
      client_id_issued_at: {
        type: 'integer',
        format: 'int32',
        minimum: 0,
      },
      client_secret_expires_at: {
        type: 'integer',
        format: 'int32',
        minimum: 0,
      },
      redirect_uris: {
        type: 'array',
        items: {
          type: 'string',
          format: 'uri',
          minLength: 1,
          maxLength: 256,
        },
      },
      token_endpoint_auth_method: {
        type: 'string',
        enum: ['private_key_jwt', 'tls_client_auth'],
      },
      grant_types: {
        type: 'array',
        items: {
          type: 'string',
          enum: ['client_credentials', 'authorization_code', 'refresh_token'],
        },
        minItems: 1,
      },
      response_types: {
        type: 'array',
        items: {
          type: 'string',
          enum: ['code', 'code id_token'],
        },
      },
      software_id: {
        type: 'string',
      },
      scope: {
        type: 'array',
        items: {
          type: 'string',
          minLength: 1,
          maxLength: 32,
        },
      },
      software_statement: {
        type: 'string',
        format: 'JWT',
      },
      application_type: {
        type: 'string',
        enum: ['web', 'mobile'],
      },
      id_token_signed_response_alg: {
        $ref: '#/$defs/SupportedAlgorithms',
      },
      request_object_signing_alg: {
        $ref: '#/$defs/SupportedAlgorithms',
      },
      token_endpoint_auth_signing_alg: {
        $ref: '#/$defs/SupportedAlgorithms',
      },
      tls_client_auth_dn: {
        type: 'string',
        minLength: 1,
        maxLength: 128,
      },
    },
  },
  '3.2': {
    $defs: {
      SupportedAlgorithms: {
        type: 'string',
        enum: ['RS256', 'PS256', 'ES256'],
      },
    },
    type: 'object',
    required: [
      'redirect_uris',
      'token_endpoint_auth_method',
      'grant_types',
      'scope',
      'software_statement',
      'application_type',
      'id_token_signed_response_alg',
      'request_object_signing_alg',
      'client_id',
    ],
    properties: {
      client_id: {
        type: 'string',
        minLength: 1,
        maxLength: 36,
      },
      client_secret: {
        type: 'string',
        minLength: 1,
        maxLength: 36,
      },
      client_id_issued_at: {
        type: 'integer',
        format: 'int32',
        minimum: 0,
      },
      client_secret_expires_at: {
        type: 'integer',
        format: 'int32',
        minimum: 0,
      },
      redirect_uris: {
        type: 'array',
        items: {
          type: 'string',
          format: 'uri',
          minLength: 1,
          maxLength: 256,
        },
      },
      token_endpoint_auth_method: {
        type: 'string',
        enum: [
          'private_key_jwt',
          'client_secret_jwt',
          'client_secret_basic',
          'client_secret_post',
          'tls_client_auth',
        ],
      },
      grant_types: {
        type: 'array',
        items: {
          type: 'string',
          enum: ['client_credentials', 'authorization_code', 'refresh_token'],
        },
        minItems: 1,
      },
      response_types: {
        type: 'array',
        items: {
          type: 'string',
          enum: ['code', 'code id_token'],
        },
      },
      software_id: {
        type: 'string',
        minLength: 1,
        maxLength: 22,
        pattern: '^[0-9a-zA-Z]{1,22}$',
      },
      scope: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
      },
      software_statement: {
        type: 'string',
        format: 'JWT',
      },
      application_type: {
        type: 'string',
        enum: ['web', 'mobile'],
      },
      id_token_signed_response_alg: {
        $ref: '#/$defs/SupportedAlgorithms',
      },
      request_object_signing_alg: {
        $ref: '#/$defs/SupportedAlgorithms',
      },
      token_endpoint_auth_signing_alg: {
        $ref: '#/$defs/SupportedAlgorithms',
      },
      tls_client_auth_subject_dn: {
        type: 'string',
        minLength: 1,
        maxLength: 128,
      },
    },
  },
  '3.3': {
    $defs: {
      SupportedAlgorithms: {
        type: 'string',
        enum: ['RS256', 'PS256', 'ES256'],
      },
    },
    type: 'object',
    required: [
      'redirect_uris',
      'token_endpoint_auth_method',
      'grant_types',
      'scope',
      'software_statement',
      'application_type',
      'id_token_signed_response_alg',
      'request_object_signing_alg',
      'client_id',
    ],
    properties: {
      client_id: {
        type: 'string',
        minLength: 1,
        maxLength: 36,
      },
      client_secret: {
        type: 'string',
        minLength: 1,
        maxLength: 36,
      },
      client_id_issued_at: {
        type: 'integer',
        format: 'int32',
        minimum: 0,
      },
      client_secret_expires_at: {
        type: 'integer',
        format: 'int32',
        minimum: 0,
      },
      redirect_uris: {
        type: 'array',
        items: {
          type: 'string',
          format: 'uri',
          minLength: 1,
          maxLength: 256,
        },
      },
      token_endpoint_auth_method: {
        type: 'string',
        enum: [
          'private_key_jwt',
          'client_secret_jwt',
          'client_secret_basic',
          'client_secret_post',
          'tls_client_auth',
        ],
      },
      grant_types: {
        type: 'array',
        items: {
          type: 'string',
          enum: [
            'client_credentials',
            'authorization_code',
            'refresh_token',
            'urn:openid:params:grant-type:ciba',
          ],
        },
        minItems: 1,
      },
      response_types: {
        type: 'array',
        items: {
          type: 'string',
          enum: ['code', 'code id_token'],
        },
      },
      software_id: {
        type: 'string',
        minLength: 1,
        maxLength: 22,
        pattern: '^[0-9a-zA-Z]{1,22}$',
      },
      scope: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
      },
      software_statement: {
        type: 'string',
        format: 'JWT',
      },
      application_type: {
        type: 'string',
        enum: ['web', 'mobile'],
      },
      id_token_signed_response_alg: {
        $ref: '#/$defs/SupportedAlgorithms',
      },
      request_object_signing_alg: {
        $ref: '#/$defs/SupportedAlgorithms',
      },
      token_endpoint_auth_signing_alg: {
        $ref: '#/$defs/SupportedAlgorithms',
      },
      tls_client_auth_subject_dn: {
        type: 'string',
        minLength: 1,
        maxLength: 128,
      },
      backchannel_token_delivery_mode: {
        type: 'string',
        enum: ['poll', 'ping', 'push'],
      },
      backchannel_client_notification_endpoint: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
      },
      backchannel_authentication_request_signing_alg: {
        type: 'string',
        enum: ['RS256', 'PS256', 'ES256'],
      },
      backchannel_user_code_parameter_supported: {
        type: 'boolean',
      },
    },
  },
} as const;

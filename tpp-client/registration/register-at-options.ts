import type { GetTokenOptions } from '../bank/get-token.js';
import type { RetryOptions } from '../http/with-retry.js';
import type {
  BankConnection,
  Discovery,
  RegisteredClient,
  SigningAlg,
  TokenResult,
  TppMaterial,
} from '../types.js';
import type { BankOptions, RegistrationMediaType, ResolvedBankOptions } from './bank-options.js';
import type { RegistrationClaims, RegistrationClaimsOptions } from './build-registration-claims.js';

/** Registration request options; everything the material and discovery provide is optional. */
export type RegistrationRequestOptions = Partial<Omit<RegistrationClaimsOptions, 'aud'>> &
  BankOptions & {
    /** `aud` itself (wins over `audience`). */
    aud?: string;
    /** Header alg; default `signingAlg`, else the material's signing alg. */
    alg?: SigningAlg;
    allowRs256?: boolean;
    /** Header kid; default the material's signing kid. */
    kid?: string;
  };

/** Options of `registerAt` and `BankRegistration.update`. */
export type RegisterAtOptions = Omit<RegistrationRequestOptions, 'softwareStatement'> & {
  /** The statement to send, or a function making one (e.g. a fresh eIDAS self-signed statement). */
  softwareStatement?: string | ((discovery: Discovery) => string | Promise<string>);
  /** This call's retry policy instead of the client's. */
  retry?: RetryOptions | false;
  /** Extra request headers. */
  headers?: Record<string, string>;
};

/** A registration request ready to send. */
export interface RegistrationBody {
  /** The compact JWS, or the RFC 7591 JSON text. */
  body: string;
  mediaType: RegistrationMediaType;
  claims: RegistrationClaims;
  options: ResolvedBankOptions;
}

/**
 * What a `BankRegistration` needs from the TPP that registered it (a `TppClient`): its material,
 * its connection to a bank, tokens and registration bodies.
 */
export interface RegistrationOwner {
  readonly material: TppMaterial;
  /** Hosts a bank may name besides its discovery host and the hosts of its domain (the name rule). */
  readonly allowedHosts?: readonly string[];
  bank(discovery: Discovery): BankConnection;
  getToken(
    discovery: Discovery,
    client: Pick<RegisteredClient, 'client_id' | 'client_secret' | 'token_endpoint_auth_method'>,
    opts?: GetTokenOptions,
  ): Promise<TokenResult>;
  registrationBody(discovery: Discovery, opts?: RegisterAtOptions): Promise<RegistrationBody>;
}

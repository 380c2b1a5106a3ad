/**
 * In-process floors: what node:crypto alone does per second on one thread, for
 * the signature work an API call cannot avoid. Measured in the same run as the
 * API figures (rounds just before and just after the load phase, the server
 * idle, median kept) so that the ratio does not depend on the machine.
 */
import { constants, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { measureSyncRate, medianRate, type SyncRate } from './rate.js';

/** Length of one floor round. */
const ROUND_MS = 300;

export interface IssuanceFloorSizes {
  /** Bytes signed per certificate (TBSCertificate-sized). */
  signedBytes: number;
  /** Bytes verified per CSR (CertificationRequestInfo-sized). */
  verifiedBytes: number;
}

/**
 * One round of: one RSA PKCS#1 v1.5 SHA-256 signature (the CA signing a
 * certificate) plus one verification with an RSA public key (the CSR's
 * self-signature), back to back.
 */
export function issuanceFloorRound(
  key: { privateKey: KeyObject; publicKey: KeyObject },
  sizes: IssuanceFloorSizes,
): () => SyncRate {
  const tbs = randomBytes(sizes.signedBytes);
  const cri = randomBytes(sizes.verifiedBytes);
  const criSignature = sign('sha256', cri, key.privateKey);
  return () =>
    measureSyncRate(
      () => {
        sign('sha256', tbs, key.privateKey);
        if (!verify('sha256', cri, key.publicKey, criSignature))
          throw new Error('floor: CSR signature did not verify');
      },
      { minMs: ROUND_MS },
    );
}

/** One round of PS256 signatures (RSASSA-PSS, SHA-256, 32-byte salt) over `signingInput`. */
export function ps256FloorRound(key: { privateKey: KeyObject }, signingInput: Buffer): () => SyncRate {
  const options = { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  return () =>
    measureSyncRate(
      () => {
        sign('sha256', signingInput, options);
      },
      { minMs: ROUND_MS },
    );
}

export interface Bracketed<T> {
  result: T;
  /** The median floor round. */
  floor: SyncRate;
  /** Every round, in order (before, then after). */
  rounds: SyncRate[];
}

/** Floor rounds before and after `load` (3 + 3 by default); the floor is their median. */
export async function bracketWithFloor<T>(
  round: () => SyncRate,
  load: () => Promise<T>,
  roundsEachSide = 3,
): Promise<Bracketed<T>> {
  const rounds: SyncRate[] = [];
  for (let i = 0; i < roundsEachSide; i++) rounds.push(round());
  const result = await load();
  for (let i = 0; i < roundsEachSide; i++) rounds.push(round());
  return { result, floor: medianRate(rounds), rounds };
}

/** "6 rounds of 300 ms around the load phase, 1702–2144 ops/s, median kept" */
export function describeRounds(rounds: SyncRate[]): string {
  const rates = rounds.map((r) => r.opsPerSec);
  return `${rounds.length} rounds of ${ROUND_MS} ms around the load phase, ${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)} ops/s, median kept`;
}

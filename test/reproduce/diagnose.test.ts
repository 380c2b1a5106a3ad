import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BankSettings, loadProfile, STRICT_OB_V33 } from '../../aspsp-mock/index.js';
import { swapBankSettings } from '../../aspsp-mock/profile/swap-bank-settings.js';
import type { RunningBank } from '../../aspsp-mock/start.js';
import { dnToString, parseCertificate } from '../../certs/index.js';
import { ReproduceInputError, readDiscovery, reproduce } from '../../scenarios/reproduce/index.js';
import { type Sandbox, startSandbox } from '../../scenarios/sandbox.js';
import {
  buildRegistrationClaims,
  httpClientForMaterial,
  signRegistrationJwt,
  type TppMaterial,
} from '../../tpp-client/index.js';

type Claims = Parameters<typeof buildRegistrationClaims>[0];

interface Case {
  name: string;
  /** The real bank: strict OB v3.3 with these switches. */
  bank: Partial<BankSettings>;
  /** How the TPP builds the request that fails there. */
  request?: Partial<Claims>;
  mediaType?: string;
  /** Age of the SSA the TPP sends, seconds. */
  ssaAge?: number;
}

/**
 * Single- and double-switch banks. Each request is one a TPP following the strict profile
 * would send; it fails (or, for createStatus, succeeds differently) because of the bank's
 * switches, and the exchange reveals every one of them — through discovery or through the answer.
 */
const CASES: Case[] = [
  { name: 'aud = issuer URL', bank: { audience: 'issuer' } },
  { name: 'subject_type pairwise required', bank: { requiredClaims: { subject_type: 'pairwise' } } },
  { name: 'SSAs at most 5 minutes old', bank: { ssaMaxAgeSeconds: 300 }, ssaAge: 900 },
  {
    name: 'requests live at most 300 s',
    bank: { requestMaxLifetimeSeconds: 300 },
    request: { lifetimeSeconds: 600 },
  },
  { name: '200 on create', bank: { createStatus: 200 } },
  {
    name: 'no refresh_token grant (discoverable)',
    bank: { grantTypes: ['client_credentials', 'authorization_code', 'urn:openid:params:grant-type:ciba'] },
  },
  {
    name: 'DN compared as a string (the TPP writes ", " between attributes)',
    bank: { subjectDnMatch: 'string' },
    request: { tlsClientAuthSubjectDn: '<spaced>' },
  },
  {
    name: 'jose only + aud = issuer',
    bank: { registrationMediaTypes: ['application/jose'], audience: 'issuer' },
  },
  {
    name: 'PS256 only + subject_type pairwise',
    bank: { signingAlgs: ['PS256'], requiredClaims: { subject_type: 'pairwise' } },
  },
  {
    name: 'two auth methods + requests live at most 300 s',
    bank: {
      tokenEndpointAuthMethods: ['tls_client_auth', 'private_key_jwt'],
      requestMaxLifetimeSeconds: 300,
    },
    request: { lifetimeSeconds: 600 },
  },
  {
    name: 'PS256 only + DN compared as a string',
    bank: { signingAlgs: ['PS256'], subjectDnMatch: 'string' },
    request: { tlsClientAuthSubjectDn: '<spaced>' },
  },
  {
    // Neither switch is told by discovery or changes the answer alone: found by a pair.
    name: 'DCR v3.1 + DN compared as a string',
    bank: {
      specVersion: '3.1',
      subjectDnMatch: 'string',
      tokenEndpointAuthMethods: ['tls_client_auth', 'private_key_jwt'],
      grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
    },
    request: { specVersion: '3.1', tlsClientAuthSubjectDn: '<spaced>' },
  },
];

let sandbox: Sandbox;
let realBank: RunningBank;
let replayBank: RunningBank;
let tpp: TppMaterial;
const dir = mkdtempSync(join(tmpdir(), 'obmock-diagnose-'));
const hits: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ banks: ['real=ob-v3.3', 'replay=ob-v3.3'] });
  realBank = sandbox.banks.find((b) => b.id === 'real')!;
  replayBank = sandbox.banks.find((b) => b.id === 'replay')!;
  tpp = await sandbox.createTpp({ redirectUris: ['https://tpp.example.com/cb'] });
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
  // The hit rate over this corpus, for the record (docs/reproduce.md).
  process.stdout.write(`reproduce diagnosis hit rate: ${hits.length}/${CASES.length}\n`);
});

/** The TPP's request for `bank`, signed; `<spaced>` DN: the certificate's subject with ", " separators. */
async function requestFor(bank: RunningBank, c: Case): Promise<string> {
  let ssa = tpp.ssa;
  if (c.ssaAge) {
    const target = await sandbox.target(bank.id, tpp);
    ssa = await target.directory!.ssaAt!(tpp, Math.floor(Date.now() / 1000) - c.ssaAge);
  }
  const claims = buildRegistrationClaims({
    softwareStatement: ssa,
    tokenEndpointAuthMethod: 'tls_client_auth',
    transportCertPem: tpp.transport.certPem,
    ...c.request,
    aud: bank.orgId,
    ...(c.request?.tlsClientAuthSubjectDn === '<spaced>'
      ? {
          tlsClientAuthSubjectDn: dnToString(parseCertificate(tpp.transport.certPem).subject)
            .split(',')
            .join(', '),
        }
      : {}),
  });
  return signRegistrationJwt(claims, tpp.signing.keyPem, { kid: tpp.signing.kid });
}

async function send(bank: RunningBank, body: string, mediaType = 'application/jose') {
  const http = httpClientForMaterial(tpp);
  try {
    const res = await http.request('POST', `${bank.issuer}${bank.ctx.settings.registrationPath}`, {
      headers: { 'Content-Type': mediaType, Accept: 'application/json' },
      body,
    });
    let parsed: unknown = res.text;
    try {
      parsed = JSON.parse(res.text);
    } catch {
      // text stays text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  } finally {
    await http.close();
  }
}

const differsFromStrict = (s: Partial<BankSettings>) =>
  Object.fromEntries(
    Object.entries(s).filter(
      ([k, v]) => JSON.stringify(v) !== JSON.stringify(STRICT_OB_V33[k as keyof BankSettings]),
    ),
  );

/** The error body with the bank's identities replaced, to compare two banks' answers. */
function comparable(answer: { status: number; body: unknown }, bank: RunningBank): unknown {
  const text = JSON.stringify(answer.body ?? null)
    .split(bank.issuer)
    .join('<issuer>')
    .split(bank.orgId)
    .join('<org-id>')
    // A measured age, a second apart between two sends.
    .replace(/issued \d+ s ago/g, 'issued <age> s ago');
  const body = JSON.parse(text);
  if (answer.status < 300) return { status: answer.status };
  return { status: answer.status, body };
}

describe('reproduce: single- and double-switch banks are diagnosed back to exactly their switches', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      swapBankSettings(realBank.ctx, { ...STRICT_OB_V33, ...c.bank });
      const request = await requestFor(realBank, c);
      const response = await send(realBank, request, c.mediaType);
      const diagnosis = await reproduce({
        discovery: realBank.discovery,
        fetch: { ca: sandbox.caBundle },
        request,
        response,
        sandbox,
        bankId: 'replay',
      });
      if (process.env.DEBUG_REPRO)
        console.log(c.name, JSON.stringify(response), JSON.stringify(diagnosis.ranked.slice(0, 3), null, 1));
      expect(diagnosis.matched).toBe(true);
      expect(diagnosis.switches).toEqual(differsFromStrict({ ...STRICT_OB_V33, ...c.bank }));
      expect(diagnosis.ranked[0].matched).toBe(true);
      expect(diagnosis.equallyGood).toEqual([]);

      // The profile file runs as is, and its bank fails the same request the same way.
      const file = join(dir, `${c.name.replace(/[^a-z0-9]+/gi, '-')}.yaml`);
      writeFileSync(file, diagnosis.profileYaml);
      const profile = loadProfile(file);
      const original = { ...replayBank.ctx.settings };
      swapBankSettings(replayBank.ctx, profile.settings);
      try {
        const again = await send(replayBank, await requestFor(replayBank, c), c.mediaType);
        expect(comparable(again, replayBank)).toEqual(comparable(response, realBank));
        hits.push(c.name);
      } finally {
        swapBankSettings(replayBank.ctx, original);
      }
    });
  }

  it('reads discovery over https only within its size limit, from a trusted server, answering 200', async () => {
    const fetch = { ca: sandbox.caBundle };
    await expect(readDiscovery(realBank.discovery, fetch)).resolves.toMatchObject({
      url: realBank.discovery,
      document: { issuer: realBank.issuer },
    });
    await expect(readDiscovery(realBank.discovery, { ...fetch, maxBytes: 100 })).rejects.toThrow(
      /larger than 100 bytes/,
    );
    await expect(readDiscovery(`${realBank.issuer}/no-such-document`, fetch)).rejects.toThrow(/answered 404/);
    await expect(readDiscovery(realBank.discovery)).rejects.toThrow(ReproduceInputError); // CA not trusted
  });

  it('a response no variant produces is reported unmatched, with the closest variants', async () => {
    swapBankSettings(realBank.ctx, STRICT_OB_V33);
    const request = await requestFor(realBank, { name: 'strict', bank: {} });
    const diagnosis = await reproduce({
      discovery: realBank.discovery,
      fetch: { ca: sandbox.caBundle },
      request,
      response: {
        status: 403,
        body: {
          error: 'unapproved_software_statement',
          error_description: 'software not onboarded with this ASPSP',
        },
      },
      sandbox,
      bankId: 'replay',
    });
    expect(diagnosis.matched).toBe(false);
    expect(diagnosis.diagnosed).toEqual({});
    expect(diagnosis.explanations).toEqual([]);
    expect(diagnosis.ranked.length).toBeGreaterThan(1);
    expect(diagnosis.ranked.every((r) => !r.matched)).toBe(true);
    expect(diagnosis.profileYaml).toContain('no variant reproduced the real answer');
  });

  it('replays no more variants than asked, and counts the others as skipped', async () => {
    swapBankSettings(realBank.ctx, STRICT_OB_V33);
    const request = await requestFor(realBank, { name: 'strict', bank: {} });
    const diagnosis = await reproduce({
      discovery: realBank.discovery,
      fetch: { ca: sandbox.caBundle },
      request,
      response: { status: 418, body: 'teapot' },
      sandbox,
      bankId: 'replay',
      maxVariants: 5,
    });
    expect(diagnosis.replays).toBe(5);
    expect(diagnosis.skipped).toBeGreaterThan(0);
    expect(diagnosis.matched).toBe(false);
    // The bank is left with the switches it had.
    expect(replayBank.ctx.settings).toEqual(STRICT_OB_V33);
  });
});

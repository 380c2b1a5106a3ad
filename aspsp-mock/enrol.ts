import { createPublicKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Dispatcher, request } from 'undici';
import {
  createCsr,
  type KeyPair,
  loadOrCreateEcKeyFile,
  loadOrCreateRsaKeyFile,
  parseCertificate,
  toPem,
} from '../certs/index.js';
import { readTextIfExists } from '../lib/read-text-if-exists.js';

export interface BankIdentity {
  orgId: string;
  /** TLS server certificate (an OBWAC from the directory) and its key. */
  serverCertPem: string;
  serverKeyPem: string;
  /** Public JWK of the bank's OBSeal signing certificate, as the directory published it. */
  signingJwk: Record<string, unknown>;
}

interface StoredIdentity {
  orgId: string;
  obwacPem?: string;
  signingJwk?: Record<string, unknown>;
}

interface DirectoryAccess {
  url: string;
  adminToken: string;
  dispatcher: Dispatcher;
}

async function call(
  d: DirectoryAccess,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  token: string,
  body?: { type: string; data: string },
): Promise<{ status: number; json: () => unknown; text: string }> {
  const res = await request(`${d.url}${path}`, {
    method,
    dispatcher: d.dispatcher,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': body.type } : {}) },
    body: body?.data,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text) };
}

function expect2xx(what: string, res: { status: number; text: string }): void {
  if (res.status < 200 || res.status > 299)
    throw new Error(`${what}: directory answered ${res.status} ${res.text.slice(0, 300)}`);
}

/**
 * Makes a bank a participant of the directory, over its HTTP API only (as a
 * real bank would): an ASPSP organisation, an OBWAC for its TLS server (with
 * the host in subjectAltName), an OBSeal signing key, and its discovery URL
 * as an authorisation server. Kept in the bank's data dir and reused.
 */
export async function enrolBank(opts: {
  directory: DirectoryAccess;
  dir: string;
  bankId: string;
  host: string;
  discoveryUrl: string;
  /** The TLS server key its OBWAC certifies: the banks of one server share it (they share the server). */
  serverKey: KeyPair;
  /** Type of a new OBSeal key (a key already in the data dir is kept, whatever its type). */
  sealKey?: 'rsa' | 'ec';
}): Promise<BankIdentity> {
  const d = opts.directory;
  const idFile = join(opts.dir, 'identity.json');
  const tokenFile = join(opts.dir, 'access-token');
  const storedText = await readTextIfExists(idFile);
  let stored: StoredIdentity | undefined = storedText ? JSON.parse(storedText) : undefined;
  let token = (await readTextIfExists(tokenFile))?.trim();
  if (stored && token) {
    const check = await call(d, 'GET', `/v2.1/organisation/${stored.orgId}`, token);
    if (check.status !== 200) stored = undefined;
  }
  if (!stored || !token) {
    const created = await call(d, 'POST', '/admin/organisations', d.adminToken, {
      type: 'application/json',
      data: JSON.stringify({
        OrganisationName: `obmock bank ${opts.bankId}`,
        LegalName: `obmock Bank ${opts.bankId} plc`,
        OrganisationType: 'aspsp',
        Roles: ['ASPSP'],
      }),
    });
    expect2xx('create bank organisation', created);
    const body = created.json() as { OrganisationId: string; AccessToken: string };
    stored = { orgId: body.OrganisationId };
    token = body.AccessToken;
    await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  }
  const orgId = stored.orgId;
  const legal = `obmock Bank ${opts.bankId} plc`;
  const subject = (cn: string) => [
    { name: 'C', value: 'GB' },
    { name: 'O', value: legal },
    { name: 'organizationIdentifier', value: `PSDGB-OB-Unknown${orgId}` },
    { name: 'CN', value: cn },
  ];

  const serverKey = opts.serverKey;
  const serverSpki = serverKey.publicKey.export({ type: 'spki', format: 'der' });
  const stillGood = (pem: string | undefined) => {
    if (!pem) return false;
    const info = parseCertificate(pem);
    const sameKey = createPublicKey(pem).export({ type: 'spki', format: 'der' }).equals(serverSpki);
    return sameKey && (info.sanDns.includes(opts.host) || info.sanIps.includes(opts.host))
      ? info.notAfter.getTime() - Date.now() > 7 * 86400_000
      : false;
  };
  if (!stillGood(stored.obwacPem)) {
    const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(opts.host);
    const csr = createCsr({
      key: serverKey,
      subject: subject(orgId),
      sanDns: [...new Set(['localhost', ...(isIp ? [] : [opts.host])])],
      sanIps: [...new Set(['127.0.0.1', ...(isIp ? [opts.host] : [])])],
    });
    const res = await call(d, 'POST', `/v2.1/organisation/${orgId}/certificate/obwac`, token, {
      type: 'application/x-pem-file',
      data: csr,
    });
    expect2xx('OBWAC for the bank', res);
    stored.obwacPem = toPem(Buffer.from((res.json() as { x5c: string[] }).x5c[0], 'base64'), 'CERTIFICATE');
  }

  const keyFile = join(opts.dir, 'signing.key.pem');
  const signingKey =
    opts.sealKey === 'ec' ? await loadOrCreateEcKeyFile(keyFile) : await loadOrCreateRsaKeyFile(keyFile);
  if (!stored.signingJwk) {
    const csr = createCsr({ key: signingKey, subject: subject(orgId) });
    const res = await call(d, 'POST', `/v2.1/organisation/${orgId}/certificate/obseal`, token, {
      type: 'application/x-pem-file',
      data: csr,
    });
    expect2xx('OBSeal for the bank', res);
    const jwk = res.json() as Record<string, unknown>;
    const publicPart =
      jwk.kty === 'EC'
        ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y }
        : { kty: jwk.kty, n: jwk.n, e: jwk.e };
    stored.signingJwk = {
      ...publicPart,
      kid: jwk.kid,
      use: 'sig',
      alg: jwk.kty === 'EC' ? 'ES256' : 'PS256',
      x5c: jwk.x5c,
      x5t: jwk.x5t,
      'x5t#S256': jwk['x5t#S256'],
      x5u: jwk.x5u,
    };
  }

  const servers = await call(d, 'GET', `/v2.1/organisation/${orgId}/authorisation-server`, token);
  expect2xx('list authorisation servers', servers);
  const list = servers.json() as { Id: string; OpenIDConfigEndPointUri: string }[];
  if (!list.some((a) => a.OpenIDConfigEndPointUri === opts.discoveryUrl)) {
    const body = {
      type: 'application/json',
      data: JSON.stringify({
        OpenIDConfigEndPointUri: opts.discoveryUrl,
        CustomerFriendlyName: `obmock Bank ${opts.bankId}`,
        AutoRegistrationSupported: true,
      }),
    };
    const res =
      list.length > 0
        ? await call(d, 'PUT', `/v2.1/organisation/${orgId}/authorisation-server/${list[0].Id}`, token, body)
        : await call(d, 'POST', `/v2.1/organisation/${orgId}/authorisation-server`, token, body);
    expect2xx('register the discovery URL', res);
  }
  await writeFile(idFile, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  return {
    orgId,
    serverCertPem: stored.obwacPem!,
    serverKeyPem: serverKey.privateKeyPem,
    signingJwk: stored.signingJwk,
  };
}

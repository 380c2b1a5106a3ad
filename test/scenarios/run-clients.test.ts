import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANK_COLLECTIONS, type ClientRecord } from '../../aspsp-mock/model.js';
import { deleteRunClients } from '../../scenarios/delete-run-clients.js';
import {
  CATALOGUE,
  runCatalogue,
  type Sandbox,
  selectScenarios,
  startSandbox,
} from '../../scenarios/index.js';
import { MAX_RUN_CLIENTS, RunClients } from '../../scenarios/run-clients.js';
import type { Target } from '../../scenarios/target.js';

/**
 * A catalogue run deletes the clients it registered when it ends (a bank under test in CI is
 * not left with a hundred clients a run), unless told to keep them (`--keep-clients`).
 */
let sandbox: Sandbox;
let target: Target;
const clientsOfMainTpp = () =>
  sandbox.banks[0].ctx.store
    .list<ClientRecord>(BANK_COLLECTIONS.clients)
    .filter((c) => c.org_id === target.material.organisationId);
// registrations and management, no scenario that revokes or suspends the main TPP
const SELECTED = selectScenarios(CATALOGUE, ['DCR-*', 'MGMT-*']);

beforeAll(async () => {
  sandbox = await startSandbox({ keyPoolSize: 2 });
  target = await sandbox.target();
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
});

describe('the clients a run registers', () => {
  it('are kept with keepClients: the bank holds them after the run, and the summary has no cleanup', async () => {
    const summary = await runCatalogue(SELECTED, target, { keepClients: true });
    expect(summary.failed).toBe(0);
    expect(summary.cleanup).toBeUndefined();
    expect(clientsOfMainTpp().length).toBeGreaterThan(5);
  }, 60_000);

  it('are deleted by default, those of the earlier run left alone: only what this run made goes', async () => {
    const before = clientsOfMainTpp().map((c) => c.client_id);
    const summary = await runCatalogue(SELECTED, target);
    expect(summary.failed).toBe(0);
    expect(summary.cleanup).toMatchObject({ left: 0, noDelete: 0, revoked: 0, reasons: [] });
    expect(summary.cleanup?.deleted).toBeGreaterThan(5);
    expect(
      clientsOfMainTpp()
        .map((c) => c.client_id)
        .sort(),
    ).toEqual(before.sort());
  }, 60_000);

  it('a client already gone counts as deleted; one the bank refuses to delete is left and said why', async () => {
    const ledger = new RunClients();
    const hints = { ...target.hints };
    const discovery = (await import('../../tpp-client/index.js')).fetchDiscovery;
    const { createHttpClient } = await import('../../tpp-client/index.js');
    const http = createHttpClient({
      ca: target.material.caBundlePem,
      cert: target.material.transport.certPem,
      key: target.material.transport.keyPem,
      timeoutMs: 10_000,
    });
    const d = await discovery(http, target.discoveryUrl);
    await http.close();
    // a client the bank never had: the token request for it is refused (401 invalid_client)
    ledger.add({
      client: { client_id: 'no-such-client', token_endpoint_auth_method: 'tls_client_auth' } as never,
      material: target.material,
      discovery: d,
      hints,
    });
    // a bank that offers no DELETE: not tried
    ledger.add({
      client: { client_id: 'at-a-bank-without-delete' } as never,
      material: target.material,
      discovery: d,
      hints: { ...hints, managementOperations: ['GET'] },
    });
    // registered over a certificate a scenario revoked and refused: counted as revoked, no reason
    const revokedMaterial = {
      ...target.material,
      transport: { ...target.material.transport, certPem: 'a revoked certificate' },
    };
    ledger.add({
      client: { client_id: 'over-a-revoked-certificate' } as never,
      material: revokedMaterial,
      discovery: d,
      hints,
    });
    ledger.retire('a revoked certificate');
    const out = await deleteRunClients(ledger);
    expect(out).toEqual({
      deleted: 0,
      left: 1,
      noDelete: 1,
      revoked: 1,
      reasons: [{ reason: 'the token for it: 401 invalid_client', count: 1 }],
    });
  });

  it('a client over a certificate a scenario revoked that the bank still accepts is deleted, not left', async () => {
    // a bank that does not check revocation (CERT-revoked failed) accepted the revoked
    // certificate: the cleanup must not leave it the clients registered over it, run after run
    const { TppClient } = await import('../../tpp-client/index.js');
    const tpp = new TppClient(await sandbox.createTpp());
    const d = await tpp.discover(sandbox.banks[0].discovery);
    const res = await tpp.register(d, await tpp.registrationRequest(d));
    await tpp.close();
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const held = () =>
      sandbox.banks[0].ctx.store
        .list<ClientRecord>(BANK_COLLECTIONS.clients)
        .some((c) => c.client_id === res.client.client_id);
    expect(held()).toBe(true);
    const ledger = new RunClients();
    ledger.add({ client: res.client, material: tpp.material, discovery: d, hints: { ...target.hints } });
    // retired, as after a revocation the bank has not noticed: the certificate still works there
    ledger.retire(tpp.material.transport.certPem);
    const out = await deleteRunClients(ledger);
    expect(out).toEqual({ deleted: 1, left: 0, noDelete: 0, revoked: 0, reasons: [] });
    expect(held()).toBe(false);
  }, 60_000);

  it('the ledger is bounded and lists a client once however often the bank returns it', () => {
    const ledger = new RunClients();
    const entry = (id: string) => ({
      client: { client_id: id } as never,
      material: target.material,
      discovery: {} as never,
      hints: {},
    });
    for (let i = 0; i < MAX_RUN_CLIENTS + 5; i++) ledger.add(entry(`c${i}`));
    ledger.add(entry('c0'));
    expect(ledger.size).toBe(MAX_RUN_CLIENTS);
    expect(ledger.untracked).toBe(5);
    ledger.forget('c0');
    expect(ledger.size).toBe(MAX_RUN_CLIENTS - 1);
  });
});

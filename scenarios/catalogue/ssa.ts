import { CompactSign } from 'jose';
import { decodeSsa, directoryCall, fetchSsa } from '../../tpp-client/index.js';
import type { ScenarioContext, ScenarioTpp } from '../context.js';
import type { Scenario } from '../types.js';
import { strangerKey } from './stranger-key.js';

const OB = 'OB DCR v3.3';
const DCR = 'OBIE conformance-dcr';
const HOUR = 3600;

const part = (jws: string, i: number) =>
  JSON.parse(Buffer.from(jws.split('.')[i] ?? '', 'base64url').toString()) as Record<string, unknown>;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** Registers the TPP with its valid request, the software statement being the one change. */
async function registerWithSsa(t: ScenarioContext, what: string, ssa: string) {
  return t.step(`register with ${what}`, async () => t.register(await t.request({ softwareStatement: ssa })));
}

/**
 * The positive twin of a scenario that changes a TPP of its own (`newTpp`) at the directory: a
 * freshly onboarded TPP's valid request, registered before the change. The `register` baseline
 * shows only the main TPP registering; a bank that refuses new TPPs whatever (an organisation it
 * has not onboarded itself, the ES256 key they sign with where the bank lists ES256) would refuse
 * the changed one too, so the scenario is blocked. `sameSoftware`: the twin is the scenario's own
 * TPP, which is not tried at a bank that refuses or returns a second registration of the same
 * software (`duplicateRegistration`): the twin would change the answer the scenario checks.
 */
async function expectNewTppRegisters(
  t: ScenarioContext,
  tpp: ScenarioTpp,
  sameSoftware: boolean,
): Promise<void> {
  if (sameSoftware && (t.target.hints.duplicateRegistration ?? 'allow') !== 'allow') return;
  const res = await t.step("register a new TPP's valid request first (the positive twin)", async () =>
    t.register(await t.request({}, tpp), { tpp }),
  );
  if (!res.ok)
    t.block(
      `a freshly onboarded TPP's valid request was refused before any change: ${res.status} ${res.error} ${res.error_description ?? ''}`,
    );
}

/** Problems with the software statement itself: signature, freshness, and the directory's say. */
export const ssa: Scenario[] = [
  {
    id: 'DCR-FORK-ssa-wrong-key',
    rules: ['reg.ssa-signature'],
    baseline: 'register',
    conformanceCase: 'fork',
    title: 'SSA signed by another key (same kid) → invalid_software_statement',
    reference: `${DCR} forks; ${OB}: the SSA verifies with a key of the OB directory keystore`,
    tags: ['conformance', 'register', 'negative', 'ssa', 'signature'],
    needs: ['jws-requests', 'ob-directory-trust'],
    async run(t) {
      const genuine = t.tpp.material.ssa;
      const forged = await new CompactSign(Buffer.from(genuine.split('.')[1] ?? '', 'base64url'))
        .setProtectedHeader(part(genuine, 0) as { alg: string })
        .sign((await strangerKey()).privateKey);
      const res = await registerWithSsa(t, 'the SSA re-signed by an unknown key', forged);
      t.expectError(res, 400, 'invalid_software_statement');
    },
  },
  {
    id: 'DCR-FORK-ssa-alg-none',
    rules: ['reg.ssa-signature'],
    baseline: 'register',
    conformanceCase: 'fork',
    title: "SSA with alg 'none' (no signature) → invalid_software_statement",
    reference: `${DCR} forks; RFC 8725 §3.1; ${OB}: SSAs are signed PS256/ES256`,
    tags: ['conformance', 'register', 'negative', 'ssa', 'signature'],
    needs: ['jws-requests', 'ob-directory-trust'],
    async run(t) {
      const genuine = t.tpp.material.ssa;
      const unsigned = `${b64({ ...part(genuine, 0), alg: 'none' })}.${genuine.split('.')[1]}.`;
      const res = await registerWithSsa(t, "the SSA as alg 'none'", unsigned);
      t.expectError(res, 400, 'invalid_software_statement');
    },
  },
  {
    id: 'SSA-tampered',
    rules: ['reg.ssa-signature'],
    baseline: 'register',
    title: 'SSA payload changed after signing → invalid_software_statement',
    reference: `${OB}: the SSA signature covers every claim; RFC 7515 §5.2`,
    tags: ['register', 'negative', 'ssa', 'signature'],
    needs: ['jws-requests', 'ob-directory-trust'],
    async run(t) {
      const [header, , signature] = t.tpp.material.ssa.split('.');
      const payload = { ...part(t.tpp.material.ssa, 1), software_client_name: 'Tampered app' };
      const res = await registerWithSsa(
        t,
        'a changed software_client_name under the original signature',
        `${header}.${b64(payload)}.${signature}`,
      );
      t.expectError(res, 400, 'invalid_software_statement');
    },
  },
  {
    id: 'SSA-too-old',
    rules: ['reg.ssa-age'],
    baseline: 'register',
    title: 'SSA issued a week ago → invalid_software_statement',
    reference: `${OB}: banks bound the SSA age (iat); profile switch ssaMaxAgeSeconds`,
    tags: ['register', 'negative', 'ssa'],
    needs: ['jws-requests', 'ob-directory-trust', 'our-directory'],
    async run(t) {
      const iat = Math.floor(Date.now() / 1000) - 7 * 24 * HOUR;
      const old = await t.step('a week-old SSA from the directory', () => t.ssaAt(t.tpp.material, iat));
      t.check(decodeSsa(old).iat === iat, 'the directory did not back-date the SSA');
      const res = await registerWithSsa(t, 'the week-old SSA', old);
      t.expectError(res, 400, 'invalid_software_statement');
    },
  },
  {
    id: 'SSA-iat-future',
    rules: ['reg.ssa-age'],
    baseline: 'register',
    title: 'SSA issued an hour in the future → invalid_software_statement',
    reference: `${OB}: the SSA iat must not be in the future; RFC 7519 §4.1.6`,
    tags: ['register', 'negative', 'ssa'],
    needs: ['jws-requests', 'ob-directory-trust', 'our-directory'],
    async run(t) {
      const iat = Math.floor(Date.now() / 1000) + HOUR;
      const future = await t.step('an SSA dated an hour ahead', () => t.ssaAt(t.tpp.material, iat));
      const res = await registerWithSsa(t, 'the future-dated SSA', future);
      t.expectError(res, 400, 'invalid_software_statement');
    },
  },
  {
    id: 'SSA-software-deactivated',
    // a bank tells a deactivated statement by its keys leaving the software JWKS: the request
    // signature no longer verifies (a bank reading the statement's status refuses it as unapproved)
    rules: ['reg.ssa-status', 'reg.request-signature'],
    baseline: 'register',
    title: 'software statement deactivated at the directory → 400',
    reference: `${OB}; OB Directory: an inactive statement's keys leave the software JWKS`,
    tags: ['register', 'negative', 'ssa', 'directory'],
    needs: ['jws-requests', 'ob-directory-trust', 'our-directory'],
    async run(t) {
      // The twin is another TPP onboarded the same way: registering this one first would have the
      // bank fetch (and may cache) the very software JWKS whose keys the deactivation removes.
      const twin = await t.step('onboard a TPP the same way, for the positive twin', () =>
        t.newTpp('TPP-2 (twin)'),
      );
      await expectNewTppRegisters(t, twin, false);
      const tpp = await t.step('onboard a TPP of its own', () => t.newTpp());
      const m = tpp.material;
      await t.step('deactivate its software statement', () =>
        directoryCall(t.directory(tpp), 'deactivate the software statement', {
          method: 'PUT',
          path: `/v2.1/organisation/${m.organisationId}/software-statement/${m.softwareStatementId}`,
          token: m.directory?.accessToken,
          contentType: 'application/json',
          body: JSON.stringify({ Active: false }),
        }),
      );
      const res = await t.step('register with the SSA issued before', async () =>
        t.register(await t.request({}, tpp), { tpp }),
      );
      t.expectError(res, 400, [
        'invalid_software_statement',
        'unapproved_software_statement',
        'invalid_client_metadata',
      ]);
    },
  },
  {
    id: 'SSA-org-suspended',
    rules: ['reg.ssa-status'],
    baseline: 'register',
    title: "an SSA saying org_status 'Withdrawn' → 400 (MAY: a warning when accepted)",
    reference:
      'OB Directory SSA org_status ("Included to cater for voluntary withdrawal"): no sentence obliges the refusal; RFC 7591 §3.2.2',
    tags: ['register', 'negative', 'ssa', 'directory'],
    needs: ['jws-requests', 'ob-directory-trust', 'our-directory'],
    async run(t) {
      const tpp = await t.step('onboard a TPP of its own', () => t.newTpp());
      const m = tpp.material;
      await expectNewTppRegisters(t, tpp, true);
      const admin = t.directoryPowers().adminToken;
      const dir = t.directory(tpp);
      const orgPath = `/admin/organisations/${m.organisationId}`;
      const withdrawn = await t.step('suspend the organisation and fetch its SSA', async () => {
        await directoryCall(dir, 'suspend', { method: 'POST', path: `${orgPath}/suspend`, token: admin });
        try {
          return await fetchSsa(dir, m.organisationId, m.softwareStatementId, m.directory?.accessToken ?? '');
        } finally {
          await directoryCall(dir, 'reinstate', {
            method: 'POST',
            path: `${orgPath}/reinstate`,
            token: admin,
          });
        }
      });
      t.check(
        decodeSsa(withdrawn).org_status === 'Withdrawn',
        'the SSA of the suspended organisation is not Withdrawn',
      );
      const res = await t.step('register with the Withdrawn SSA', async () =>
        t.register(await t.request({ softwareStatement: withdrawn }, tpp), { tpp }),
      );
      // The spec names no code: the statement is not approved here, or invalid for registering.
      t.expectError(res, 400, ['unapproved_software_statement', 'invalid_software_statement']);
    },
  },
];

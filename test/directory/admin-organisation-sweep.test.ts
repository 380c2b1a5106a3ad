import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOrganisation,
  type TestDirectory,
  type TestOrganisation,
  testDirectory,
} from '../helpers/directory.js';
import { type JsonSchema, type Mutation, mutationsOf, set, swaggerAjv } from '../helpers/field-mutations.js';
import { expectPrototypeClean } from '../helpers/hostile-input.js';
import { refusalProblems, stored } from './sweep-checks.js';

/**
 * The mock-only organisation creation (`POST /admin/organisations`, and `POST /v2.1/organisation`
 * with the admin token, which does the same) field by field and with hostile bodies. There is
 * no swagger schema for it: ADMIN_ORGANISATION below is the body docs/directory.md ("Admin API")
 * describes, as a JSON schema, from which the helper of the other field sweeps
 * (test/helpers/field-mutations.ts) derives the changes; the free-text rule and the roles each
 * organisation type may hold are the documented rules on top. A refused change is 400
 * `invalid_request` naming the field, alike under both paths, with nothing stored (read back
 * from the store and from `GET /admin/organisations`), `/health` answering and no internals in
 * the answer; an accepted one is 201 and reads back as sent (a field the body does not name is
 * not stored).
 */
const ROLES = ['AISP', 'PISP', 'CBPII', 'ASPSP'];
const CONTACT_SCHEMA = {
  type: 'object',
  required: ['Email', 'Phone', 'Type'],
  properties: {
    Name: { type: 'string', maxLength: 256 },
    Email: { type: 'string', maxLength: 256, format: 'email' },
    Phone: { type: 'string', pattern: '^\\+?[0-9][0-9 ()-]{2,31}$' },
    Type: { type: 'string', enum: ['Business', 'PBC', 'PTC', 'Registered', 'Technical'] },
  },
};
const ADMIN_ORGANISATION: JsonSchema & Record<string, unknown> = {
  type: 'object',
  required: ['OrganisationName', 'OrganisationType', 'Roles'],
  properties: {
    OrganisationName: { type: 'string', minLength: 1, maxLength: 140 } as JsonSchema,
    OrganisationType: { type: 'string', enum: ['tpp', 'aspsp'] },
    Roles: { type: 'array', items: { type: 'string', enum: ROLES }, minItems: 1, maxItems: 4 } as JsonSchema,
    OrganisationIdentifier: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      pattern: '^[A-Za-z0-9-]+$',
    } as JsonSchema,
    LegalName: { type: 'string', minLength: 1, maxLength: 140 } as JsonSchema,
    Contacts: { type: 'array', items: CONTACT_SCHEMA, maxItems: 10 } as JsonSchema,
    SandboxService: { type: 'boolean' },
  },
};
const ajv = swaggerAjv();
const validate = ajv.compile(ADMIN_ORGANISATION);

/** The roles each type may hold (docs/directory.md): a TPP no ASPSP, a bank ASPSP. */
const rolesFit = (b: Record<string, unknown>) =>
  !Array.isArray(b.Roles) ||
  (b.OrganisationType === 'tpp' && !b.Roles.includes('ASPSP')) ||
  (b.OrganisationType === 'aspsp' && b.Roles.includes('ASPSP')) ||
  (b.OrganisationType !== 'tpp' && b.OrganisationType !== 'aspsp');

let serial = 0;
const validBody = (): Record<string, unknown> => ({
  OrganisationName: 'Sweep Org',
  OrganisationType: 'tpp',
  Roles: ['AISP', 'PISP'],
  OrganisationIdentifier: `PSDGB-FCA-${String(++serial).padStart(6, '0')}`,
  LegalName: 'Sweep Org Ltd',
  Contacts: [{ Name: 'Ops', Email: 'ops@sweep.example', Phone: '+441234567890', Type: 'Technical' }],
  SandboxService: false,
});

let d: TestDirectory;
let org: TestOrganisation;
/** An OrganisationIdentifier given to an organisation by the admin. */
const TAKEN = 'PSDUK-UKBXXX-TAKEN01';
const PATHS = ['/admin/organisations', '/v2.1/organisation'];

beforeAll(async () => {
  d = await testDirectory();
  org = await createOrganisation(d);
  await createOrganisation(d, { OrganisationIdentifier: TAKEN });
});
afterAll(() => d?.cleanup());

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  request(d.app)
    .post(path)
    .set({ Authorization: `Bearer ${d.adminToken}`, 'Content-Type': 'application/json', ...headers })
    .send(body);

/** What a created organisation must read back as: the body's fields as the directory keeps them. */
function expectedRecord(body: Record<string, unknown>): Record<string, unknown> {
  return {
    OrganisationName: body.OrganisationName,
    OrganisationType: body.OrganisationType,
    Roles: [...new Set(body.Roles as string[])],
    LegalName: body.LegalName ?? body.OrganisationName,
    Contacts: ((body.Contacts as Record<string, unknown>[] | undefined) ?? []).map((c) =>
      Object.fromEntries(Object.entries(c).filter(([k]) => ['Name', 'Email', 'Phone', 'Type'].includes(k))),
    ),
    ...(body.OrganisationIdentifier ? { OrganisationIdentifier: body.OrganisationIdentifier } : {}),
  };
}

/** A 201 reads back from GET /admin/organisations/{id} as `body` asked, and keeps nothing else. */
async function readBackProblems(where: string, res: request.Response, body: Record<string, unknown>) {
  if (res.status !== 201) return [`${where}: ${res.status} (want 201) ${res.text.slice(0, 300)}`];
  const back = await request(d.app)
    .get(`/admin/organisations/${res.body.OrganisationId}`)
    .set('Authorization', `Bearer ${d.adminToken}`);
  const problems: string[] = [];
  for (const [k, v] of Object.entries(expectedRecord(body)))
    if (JSON.stringify(back.body[k]) !== JSON.stringify(v))
      problems.push(`${where}: ${k} reads back as ${JSON.stringify(back.body[k])}, not ${JSON.stringify(v)}`);
  if (back.body.SandboxService !== (body.SandboxService === true ? true : undefined))
    problems.push(`${where}: SandboxService reads back as ${back.body.SandboxService}`);
  if (back.text.includes('NotInTheSchema') || back.text.includes('polluted'))
    problems.push(`${where}: a field the body does not name was stored`);
  return problems;
}

describe('POST /admin/organisations, one field changed at a time, under both admin paths', () => {
  it('the valid body creates an organisation that reads back as sent', async () => {
    expect(validate(validBody()), ajv.errorsText(validate.errors)).toBe(true);
    for (const path of PATHS) {
      const body = validBody();
      expect(await readBackProblems(path, await post(path, JSON.stringify(body)), body)).toEqual([]);
    }
  });

  it('each change: refused alike with nothing stored, or created and read back', async () => {
    const problems: string[] = [];
    const changes: [string, Mutation][] = Object.entries(ADMIN_ORGANISATION.properties ?? {}).flatMap(
      ([field, prop]) =>
        mutationsOf(field, prop, validBody()[field], (s) => s).map((m): [string, Mutation] => [field, m]),
    );
    changes.push(['(extra)', { name: 'a field the body does not name', apply: set('NotInTheSchema', 'x') }]);
    let sent = 0;
    /** The identifiers given so far: each may be given once. */
    const given = new Set<string>();
    for (const [field, mutation] of changes) {
      const key = `${field}: ${mutation.name}`;
      const probe = mutation.apply(validBody());
      const accepted = !mutation.freeText && validate(probe) === true && rolesFit(probe);
      const seen: string[] = [];
      for (const path of PATHS) {
        sent++;
        const body = mutation.apply(validBody());
        const before = await stored(d);
        const res = await post(path, JSON.stringify(body));
        // A fixed identifier (`at maxLength`) is created under the first path only: it is then taken.
        const taken =
          typeof body.OrganisationIdentifier === 'string' && given.has(body.OrganisationIdentifier);
        if (accepted && taken) {
          problems.push(
            ...(await refusalProblems(
              d,
              `${key} @ ${path}`,
              res,
              { status: 409, error: 'conflict', names: 'OrganisationIdentifier' },
              before,
            )),
          );
          continue;
        }
        if (accepted) {
          if (res.status === 201) given.add(String(res.body.OrganisationIdentifier));
          problems.push(...(await readBackProblems(`${key} @ ${path}`, res, body)));
          continue;
        }
        problems.push(
          ...(await refusalProblems(
            d,
            `${key} @ ${path}`,
            res,
            // A body over the 64 KiB limit is refused before it is read.
            Buffer.byteLength(JSON.stringify(body)) > 65_536
              ? { status: 413, error: 'request_too_large' }
              : { status: 400, error: 'invalid_request', names: field },
            before,
          )),
        );
        seen.push(res.text);
      }
      if (seen.length === PATHS.length && new Set(seen).size !== 1)
        problems.push(`${key}: the paths differ:\n  ${seen.join('\n  ')}`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
    expect(sent).toBeGreaterThan(100);
    console.info(`admin organisation field mutations: ${sent} requests`);
  }, 120_000);
});

interface Row {
  name: string;
  /** The body as sent (text, so that duplicate and prototype keys survive). */
  body: () => string;
  headers?: Record<string, string>;
  /** The refusal wanted; none: 201, reading back as `readsBack` (default: the body parsed). */
  want?: { status: number; error: string; names?: string };
  readsBack?: () => Record<string, unknown>;
}

const json = (change: Record<string, unknown>) => () => JSON.stringify({ ...validBody(), ...change });
const contact = (change: Record<string, unknown>) =>
  json({ Contacts: [{ Email: 'ops@sweep.example', Phone: '+441234567890', Type: 'Technical', ...change }] });
const bad = (names: string, error = 'invalid_request', status = 400) => ({ status, error, names });

const HOSTILE: Row[] = [
  // The roles each type may hold.
  { name: 'a tpp holding ASPSP', body: json({ Roles: ['AISP', 'ASPSP'] }), want: bad('Roles') },
  { name: 'a tpp holding ASPSP alone', body: json({ Roles: ['ASPSP'] }), want: bad('Roles') },
  {
    name: 'an aspsp without ASPSP',
    body: json({ OrganisationType: 'aspsp', Roles: ['AISP'] }),
    want: bad('Roles'),
  },
  {
    name: 'an aspsp holding ASPSP and AISP',
    body: json({ OrganisationType: 'aspsp', Roles: ['ASPSP', 'AISP'] }),
  },
  { name: 'a role given twice (kept once)', body: json({ Roles: ['AISP', 'AISP'] }) },
  // Unicode the free-text rule refuses, and what it keeps.
  {
    name: 'OrganisationName a lone surrogate',
    body: () => json({})().replace('Sweep Org"', 'Sweep \\ud800Org"'),
    want: bad('OrganisationName'),
  },
  { name: 'LegalName a lone low surrogate', body: json({ LegalName: 'Ltd \udc00' }), want: bad('LegalName') },
  {
    name: 'a contact Name with a lone surrogate',
    body: contact({ Name: 'Ops \ud800' }),
    want: bad('Contacts[0].Name'),
  },
  {
    name: 'OrganisationName with a surrogate pair (an emoji)',
    body: json({ OrganisationName: 'Sweep \u{1F600}' }),
  },
  {
    name: 'OrganisationName markup (kept as text)',
    body: json({ OrganisationName: '<script>alert(1)</script>' }),
  },
  { name: 'OrganisationName right-to-left letters', body: json({ OrganisationName: 'شركة' }) },
  // OrganisationIdentifier.
  {
    name: 'OrganisationIdentifier with a space',
    body: json({ OrganisationIdentifier: 'PSD GB' }),
    want: bad('OrganisationIdentifier'),
  },
  {
    name: 'OrganisationIdentifier with non-ASCII letters',
    body: json({ OrganisationIdentifier: 'PSDGB-FCA-ü' }),
    want: bad('OrganisationIdentifier'),
  },
  {
    name: 'OrganisationIdentifier with a NUL',
    body: json({ OrganisationIdentifier: 'PSDGB\u0000' }),
    want: bad('OrganisationIdentifier'),
  },
  // One organisation per OrganisationIdentifier (its QWACs and QSealCs carry it; banks bind them by it).
  {
    name: "OrganisationIdentifier another organisation's (given)",
    body: () => json({ OrganisationIdentifier: TAKEN })(),
    want: bad('OrganisationIdentifier', 'conflict', 409),
  },
  {
    name: "OrganisationIdentifier another organisation's (its default, PSDGB-OB-Unknown<id>)",
    body: () => json({ OrganisationIdentifier: `PSDGB-OB-Unknown${org.id}` })(),
    want: bad('OrganisationIdentifier', 'conflict', 409),
  },
  // Contacts, entry by entry.
  { name: 'a contact without Email', body: contact({ Email: undefined }), want: bad('Contacts[0].Email') },
  {
    name: 'a contact Email with a display name',
    body: contact({ Email: 'Ops <ops@sweep.example>' }),
    want: bad('Contacts[0].Email'),
  },
  {
    name: 'a contact Email with a CR LF',
    body: contact({ Email: 'ops@sweep.example\r\nBcc: x@y.example' }),
    want: bad('Contacts[0].Email'),
  },
  { name: 'a contact Phone of letters', body: contact({ Phone: 'call me' }), want: bad('Contacts[0].Phone') },
  {
    name: 'a contact Phone a number',
    body: contact({ Phone: 441234567890 }),
    want: bad('Contacts[0].Phone'),
  },
  { name: 'a contact Type unknown', body: contact({ Type: 'Sales' }), want: bad('Contacts[0].Type') },
  { name: 'a contact Type missing', body: contact({ Type: undefined }), want: bad('Contacts[0].Type') },
  {
    name: 'a contact Name of 257 characters',
    body: contact({ Name: 'n'.repeat(257) }),
    want: bad('Contacts[0].Name'),
  },
  {
    name: 'two contacts of one type',
    body: json({
      Contacts: [
        { Email: 'a@sweep.example', Phone: '+4411111', Type: 'PBC' },
        { Email: 'b@sweep.example', Phone: '+4422222', Type: 'PBC' },
      ],
    }),
    want: bad('Contacts[1].Type'),
  },
  { name: 'a contact with a field it does not name (dropped)', body: contact({ Role: 'admin' }) },
  // Prototype names and duplicate keys.
  {
    name: '__proto__ carrying SandboxService (not taken)',
    body: () => json({})().replace(/^\{/, '{"__proto__": {"SandboxService": true, "polluted": true},'),
    readsBack: () => ({ SandboxService: undefined }),
  },
  {
    name: 'constructor.prototype member',
    body: () => json({})().replace(/^\{/, '{"constructor": {"prototype": {"polluted": true}},'),
  },
  {
    name: '__proto__ inside a contact carrying its Type',
    body: () =>
      json({})().replace(
        /"Contacts":\[\{/,
        '"Contacts":[{"__proto__": {"Type": "PBC"}, "Email": "a@sweep.example", "Phone": "+4411111"}, {',
      ),
    want: bad('Contacts[0].Type'),
  },
  {
    name: 'OrganisationType given twice (the last one counts)',
    body: () =>
      json({})().replace('"OrganisationType":"tpp"', '"OrganisationType":"aspsp","OrganisationType":"tpp"'),
    readsBack: () => ({ OrganisationType: 'tpp' }),
  },
  {
    name: 'OrganisationType given twice, the last one an aspsp (its roles do not fit)',
    body: () =>
      json({})().replace('"OrganisationType":"tpp"', '"OrganisationType":"tpp","OrganisationType":"aspsp"'),
    want: bad('Roles'),
  },
  // The body as a whole.
  { name: 'invalid JSON', body: () => '{"OrganisationName": ', want: bad('JSON') },
  { name: 'a JSON array', body: () => JSON.stringify([validBody()]), want: bad('JSON object') },
  { name: 'JSON null', body: () => 'null', want: bad('JSON object') },
  {
    name: '3,000 nested arrays',
    body: () => `${'['.repeat(3000)}${']'.repeat(3000)}`,
    want: bad('JSON object'),
  },
  { name: 'an empty object', body: () => '{}', want: bad('OrganisationName') },
  {
    name: 'a body over 64 KiB',
    body: json({ pad: 'a'.repeat(70_000) }),
    want: bad('', 'request_too_large', 413),
  },
  {
    name: 'Content-Type text/plain',
    body: json({}),
    headers: { 'Content-Type': 'text/plain' },
    want: bad('text/plain', 'unsupported_media_type', 415),
  },
  // The credential.
  { name: 'no token', body: json({}), headers: { Authorization: '' }, want: bad('', 'invalid_token', 401) },
  {
    name: 'an unknown token',
    body: json({}),
    headers: { Authorization: 'Bearer junk' },
    want: bad('', 'invalid_token', 401),
  },
];

describe('POST /admin/organisations with hostile bodies and credentials', () => {
  it('each row: refused as the table says with nothing stored, or created and read back', async () => {
    const problems: string[] = [];
    for (const row of HOSTILE)
      for (const path of PATHS) {
        const where = `${row.name} @ ${path}`;
        const text = row.body();
        const before = await stored(d);
        const headers = { ...row.headers };
        const res =
          headers.Authorization === ''
            ? await request(d.app).post(path).set('Content-Type', 'application/json').send(text)
            : await post(path, text, headers);
        if (!row.want) {
          const parsed = JSON.parse(text) as Record<string, unknown>;
          problems.push(...(await readBackProblems(where, res, { ...parsed, ...row.readsBack?.() })));
          continue;
        }
        // The unauthenticated self-enrolment answers a tokenless POST /v2.1/organisation (it needs a QWAC).
        const want =
          path === '/v2.1/organisation' && headers.Authorization === ''
            ? { status: 401, error: 'invalid_client' }
            : row.want;
        problems.push(...(await refusalProblems(d, where, res, want, before)));
      }
    expect(problems, problems.join('\n')).toEqual([]);
    expectPrototypeClean();
  }, 120_000);

  it("an organisation's own token may not create organisations (403), nothing stored", async () => {
    for (const path of PATHS) {
      const before = await stored(d);
      const res = await request(d.app)
        .post(path)
        .set({ Authorization: `Bearer ${org.token}`, 'Content-Type': 'application/json' })
        .send(JSON.stringify(validBody()));
      expect(
        await refusalProblems(d, path, res, { status: 403, error: 'access_denied' }, before, [org.token]),
      ).toEqual([]);
    }
  });
});

describe('POST /admin/organisations: two creations of one OrganisationIdentifier at once', () => {
  it('make one organisation; the other is 409 conflict', async () => {
    const body = JSON.stringify({ ...validBody(), OrganisationIdentifier: 'PSDGB-FCA-RACE01' });
    const answers = await Promise.all(PATHS.flatMap((path) => [post(path, body), post(path, body)]));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409]);
    const listed = await request(d.app)
      .get('/admin/organisations')
      .set('Authorization', `Bearer ${d.adminToken}`);
    expect(
      listed.body.filter((o: Record<string, unknown>) => o.OrganisationIdentifier === 'PSDGB-FCA-RACE01'),
    ).toHaveLength(1);
  });
});

describe('POST /organisation/tpp with the admin token (the unversioned path names the type)', () => {
  it('creates a tpp; an aspsp body is 400 naming OrganisationType, nothing stored', async () => {
    const tpp = validBody();
    expect(await readBackProblems('tpp', await post('/organisation/tpp', JSON.stringify(tpp)), tpp)).toEqual(
      [],
    );
    const before = await stored(d);
    const res = await post(
      '/organisation/tpp',
      JSON.stringify({ ...validBody(), OrganisationType: 'aspsp', Roles: ['ASPSP'] }),
    );
    expect(
      await refusalProblems(
        d,
        'aspsp',
        res,
        { status: 400, error: 'invalid_request', names: 'OrganisationType' },
        before,
      ),
    ).toEqual([]);
  });
});

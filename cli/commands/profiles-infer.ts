import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { inferProfile } from '../../aspsp-mock/profile/infer-profile.js';
import {
  type ProfileFileContent,
  profileJson,
  profileYaml,
} from '../../aspsp-mock/profile/render-profile-file.js';
import { readDiscovery } from '../../scenarios/reproduce/index.js';

export const PROFILES_INFER_USAGE = `obmock profiles infer DISCOVERY [--out FILE] [--ca FILE] [--timeout-ms N]

A bank profile from a discovery document (an https URL, or a saved JSON file):
each switch the document tells, with a comment naming the field it came from;
the others listed as "not advertised: strict default kept". Written to --out
(JSON when FILE ends in .json, else YAML) or to stdout as YAML; start it with
'obmock up --bank ID=FILE'. A URL is fetched once (--timeout-ms, default 5000;
at most 256 KiB; --ca adds trusted CA certificates). See docs/reproduce.md.
`;

export async function profilesInfer(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      ca: { type: 'string' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(PROFILES_INFER_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(
      `obmock profiles infer: give exactly one DISCOVERY (URL or file)\n\n${PROFILES_INFER_USAGE}`,
    );
    return 2;
  }
  const timeoutMs = values['timeout-ms'] === undefined ? 5_000 : Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) {
    process.stderr.write('obmock profiles infer: --timeout-ms must be a whole number 100–60000\n');
    return 2;
  }
  const source = await readDiscovery(positionals[0], {
    timeoutMs,
    ...(values.ca ? { ca: readFileSync(values.ca, 'utf8') } : {}),
  });
  const inferred = inferProfile(source.document, source.url ? { discoveryUrl: source.url } : {});
  const content: ProfileFileContent = {
    name: inferred.name,
    description: inferred.description,
    switches: inferred.switches,
    comments: Object.fromEntries(
      Object.entries(inferred.sources).map(([k, v]) => [k, `from discovery: ${v}`]),
    ),
    notAdvertised: inferred.notAdvertised,
    header: [
      `Inferred by 'obmock profiles infer' from ${source.url ?? positionals[0]}.`,
      ...(inferred.ignored.length ? [`Advertised but without a switch: ${inferred.ignored.join('; ')}`] : []),
    ],
  };
  if (!values.out) {
    process.stdout.write(profileYaml(content));
    return 0;
  }
  writeFileSync(values.out, values.out.endsWith('.json') ? profileJson(content) : profileYaml(content));
  process.stderr.write(
    `profile written to ${values.out} (${Object.keys(inferred.switches).length} switches from discovery, ${inferred.notAdvertised.length} not advertised)\nstart it: npx --no-install obmock up --bank bank=${values.out}\n`,
  );
  return 0;
}

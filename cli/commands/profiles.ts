import { parseArgs } from 'node:util';
import { loadProfile, shippedProfileNames } from '../../aspsp-mock/index.js';
import { renderProfilesDoc } from '../../aspsp-mock/profile/render-doc.js';

export const PROFILES_USAGE = `obmock profiles [--markdown] [--show NAME|FILE]
obmock profiles infer DISCOVERY [--out FILE]   (see 'obmock profiles infer --help')

Lists the shipped bank profiles; --show prints a profile's effective switches
(after extends) as JSON, checking it as 'obmock up' would; --markdown prints
docs/profiles.md.
`;

export function profiles(argv: string[]): number | Promise<number> {
  if (argv[0] === 'infer') return import('./profiles-infer.js').then((m) => m.profilesInfer(argv.slice(1)));
  const { values } = parseArgs({
    args: argv,
    options: {
      markdown: { type: 'boolean' },
      show: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(PROFILES_USAGE);
    return 0;
  }
  if (values.markdown) {
    process.stdout.write(renderProfilesDoc());
    return 0;
  }
  if (values.show) {
    const p = loadProfile(values.show);
    process.stdout.write(
      `${JSON.stringify({ name: p.name, description: p.description, chain: p.chain, switches: p.settings }, null, 2)}\n`,
    );
    return 0;
  }
  for (const name of shippedProfileNames()) {
    process.stdout.write(`${name.padEnd(32)} ${loadProfile(name).description}\n`);
  }
  return 0;
}

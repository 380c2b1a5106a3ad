import type { BankSettings } from '../settings.js';
import { STRICT_OB_V33 } from './switches.js';

/** A profile to write out, with a comment per switch saying where its value came from. */
export interface ProfileFileContent {
  name: string;
  description: string;
  switches: Partial<BankSettings>;
  /** Why each switch has its value (a discovery field, a diagnosis…). */
  comments: Partial<Record<keyof BankSettings, string>>;
  /** Switches nobody could tell: listed with the strict default they keep. */
  notAdvertised: (keyof BankSettings)[];
  /** Lines for the top of the file. */
  header?: string[];
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * A profile as YAML, commented switch by switch, that `obmock up --bank id=FILE.yaml` loads as
 * is (values are written as JSON, which is YAML). Switches nobody could tell are listed in a
 * comment as "not advertised: strict default kept".
 */
export function profileYaml(p: ProfileFileContent): string {
  const lines = (p.header ?? []).map((h) => `# ${oneLine(h)}`);
  lines.push(`name: ${JSON.stringify(p.name)}`, `description: ${JSON.stringify(oneLine(p.description))}`);
  lines.push('extends: ob-v3.3');
  const entries = Object.entries(p.switches) as [keyof BankSettings, unknown][];
  lines.push(entries.length ? 'switches:' : 'switches: {}');
  for (const [name, value] of entries) {
    const why = p.comments[name];
    if (why) lines.push(`  # ${oneLine(why)}`);
    lines.push(`  ${name}: ${JSON.stringify(value)}`);
  }
  if (p.notAdvertised.length) {
    lines.push('# not advertised: strict default kept');
    for (const name of p.notAdvertised) lines.push(`#   ${name}: ${JSON.stringify(STRICT_OB_V33[name])}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The same profile as JSON: the comments go into `$comment`, which profile loading ignores. */
export function profileJson(p: ProfileFileContent): string {
  const comment = [
    ...(p.header ?? []).map(oneLine),
    ...(Object.keys(p.switches) as (keyof BankSettings)[]).map(
      (k) => `${k}: ${oneLine(p.comments[k] ?? 'set')}`,
    ),
    ...(p.notAdvertised.length ? [`not advertised: strict default kept: ${p.notAdvertised.join(', ')}`] : []),
  ];
  return `${JSON.stringify(
    {
      $comment: comment,
      name: p.name,
      description: oneLine(p.description),
      extends: 'ob-v3.3',
      switches: p.switches,
    },
    null,
    2,
  )}\n`;
}

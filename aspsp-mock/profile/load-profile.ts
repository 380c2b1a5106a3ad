import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { checkFaultSpec, type FaultSpec } from '../faults/spec.js';
import { type BankSettings, STRICT_OB_V33 } from '../settings.js';
import { SWITCHES } from './switches.js';

export class ProfileError extends Error {}

export interface Profile {
  name: string;
  description: string;
  /** The effective settings after every `extends` was applied. */
  settings: BankSettings;
  /** The chain of profile names applied, base first. */
  chain: string[];
  /** Faults active from start: every profile's in the chain, base first (see docs/faults.md). */
  faults: FaultSpec[];
}

interface ProfileFile {
  name?: unknown;
  description?: unknown;
  extends?: unknown;
  switches?: unknown;
  faults?: unknown;
}

/** Folder of the shipped profiles (JSON files). Works from source and from the build. */
export function shippedProfilesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [
    join(here, '..', 'profiles'),
    join(here, '..', '..', '..', 'aspsp-mock', 'profiles'),
  ]) {
    if (existsSync(join(candidate, 'ob-v3.3.json'))) return candidate;
  }
  throw new ProfileError('shipped profiles folder not found');
}

export function shippedProfileNames(): string[] {
  return readdirSync(shippedProfilesDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

function locate(ref: string, from: string | undefined): string {
  if (/^[a-z0-9][a-z0-9.-]*$/.test(ref) && !/\.(json|ya?ml)$/.test(ref)) {
    const file = join(shippedProfilesDir(), `${ref}.json`);
    if (existsSync(file)) return file;
    throw new ProfileError(`unknown profile '${ref}' (shipped: ${shippedProfileNames().join(', ')})`);
  }
  const file = isAbsolute(ref) ? ref : resolve(from ? dirname(from) : process.cwd(), ref);
  if (!existsSync(file)) throw new ProfileError(`profile file '${ref}' not found`);
  return file;
}

/** A profile file is JSON, or YAML when it ends in .yaml/.yml. */
function readProfileFile(file: string): ProfileFile {
  let doc: unknown;
  const yaml = /\.ya?ml$/i.test(file);
  try {
    const text = readFileSync(file, 'utf8');
    doc = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ProfileError(
      `profile ${file}: not valid ${yaml ? 'YAML' : 'JSON'} (${(err as Error).message})`,
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new ProfileError(`profile ${file}: must be an object`);
  const unknownKeys = Object.keys(doc).filter(
    (k) => !['name', 'description', 'extends', 'switches', 'faults', '$comment'].includes(k),
  );
  if (unknownKeys.length)
    throw new ProfileError(`profile ${file}: unknown top-level key(s) ${unknownKeys.join(', ')}`);
  return doc as ProfileFile;
}

/** Checks switch names and values, naming every bad one. */
export function checkSwitches(where: string, switches: unknown): Partial<BankSettings> {
  if (switches === undefined) return {};
  if (typeof switches !== 'object' || switches === null || Array.isArray(switches)) {
    throw new ProfileError(`${where}: "switches" must be an object`);
  }
  const problems: string[] = [];
  for (const [name, value] of Object.entries(switches)) {
    const spec = SWITCHES[name as keyof BankSettings];
    if (!spec) {
      problems.push(`unknown switch '${name}'`);
      continue;
    }
    const why = spec.check(value);
    if (why) problems.push(`switch '${name}' ${why} (got ${JSON.stringify(value)})`);
  }
  if (problems.length) throw new ProfileError(`${where}: ${problems.join('; ')}`);
  return switches as Partial<BankSettings>;
}

/** Cross-switch rules: combinations that cannot work. */
export function checkCombination(where: string, s: BankSettings): void {
  if (s.managementAuth === 'scoped-token' && !s.managementScope) {
    throw new ProfileError(`${where}: managementAuth "scoped-token" needs a managementScope`);
  }
  if (s.requestFormat === 'json' && !s.registrationMediaTypes.includes('application/json')) {
    throw new ProfileError(`${where}: requestFormat "json" needs application/json in registrationMediaTypes`);
  }
  if (s.requestFormat === 'jws' && s.registrationMediaTypes.every((t) => t === 'application/json')) {
    throw new ProfileError(
      `${where}: requestFormat "jws" needs application/jose or application/jwt in registrationMediaTypes`,
    );
  }
  if (s.registrationPath === s.discoveryPath)
    throw new ProfileError(`${where}: registrationPath and discoveryPath are the same`);
}

/**
 * Loads a profile by shipped name or file path, applying `extends` chains
 * (cycles refused), and checks every switch. The base of every chain is the
 * strict OB v3.3 settings.
 */
export function loadProfile(ref: string): Profile {
  const seen: string[] = [];
  const layers: { file: string; doc: ProfileFile; switches: Partial<BankSettings> }[] = [];
  let current: string | undefined = ref;
  let from: string | undefined;
  while (current !== undefined) {
    const file = locate(current, from);
    if (seen.includes(file)) {
      throw new ProfileError(
        `profile '${ref}': extends forms a cycle (${[...seen, file].map((f) => f.split('/').pop()).join(' → ')})`,
      );
    }
    seen.push(file);
    const doc = readProfileFile(file);
    layers.push({ file, doc, switches: checkSwitches(`profile ${file.split('/').pop()}`, doc.switches) });
    if (doc.faults !== undefined) {
      if (!Array.isArray(doc.faults)) throw new ProfileError(`profile ${file}: "faults" must be an array`);
      doc.faults.forEach((f, i) => {
        try {
          checkFaultSpec(f);
        } catch (err) {
          throw new ProfileError(`profile ${file}: faults[${i}]: ${(err as Error).message}`);
        }
      });
    }
    if (doc.extends !== undefined && typeof doc.extends !== 'string')
      throw new ProfileError(`profile ${file}: "extends" must be a string`);
    from = file;
    current = doc.extends as string | undefined;
  }
  let settings: BankSettings = { ...STRICT_OB_V33 };
  for (const layer of [...layers].reverse()) settings = { ...settings, ...layer.switches };
  const top = layers[0];
  const name = typeof top.doc.name === 'string' ? top.doc.name : ref;
  checkCombination(`profile '${name}'`, settings);
  return {
    name,
    description: typeof top.doc.description === 'string' ? top.doc.description : '',
    settings,
    chain: layers.map((l) => (typeof l.doc.name === 'string' ? l.doc.name : l.file)).reverse(),
    faults: [...layers]
      .reverse()
      .flatMap((l) => (Array.isArray(l.doc.faults) ? (l.doc.faults as FaultSpec[]) : [])),
  };
}

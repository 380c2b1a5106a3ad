import type { Logger } from '../lib/logger.js';
import type { HttpClient } from '../tpp-client/index.js';
import type { AdvertisedMethods } from './advertised-methods.js';
import type { LiveFeed } from './live-feed.js';
import type { ScenarioRuns } from './scenario-runs.js';
import type { SessionTpps } from './session-tpps.js';
import type { Sessions } from './sessions.js';
import type { Upstream } from './upstream.js';

/** A bank as the console knows it: from the ready data of `obmock up`. */
export interface ConsoleBank {
  id: string;
  issuer: string;
  discovery: string;
  profile: string;
  /** The bank's issuer, called with the admin token (faults admin API, profile). */
  api: Upstream;
}

/** What the console's pages use: the services' HTTP APIs, the live feed and its own state. */
export interface ConsoleContext {
  logger: Logger;
  sessions: Sessions;
  directory: Upstream;
  banks: ConsoleBank[];
  caBundlePem: string;
  http: HttpClient;
  adminToken: string;
  live: LiveFeed;
  /** Each session's own TPP (the TPP page). */
  tpps: SessionTpps;
  /** The auth methods each bank's discovery advertises (the TPP page's choice). */
  advertised: AdvertisedMethods;
  scenarios: ScenarioRuns;
  /** Lanes of the sequence diagram, left to right. */
  lanes: string[];
}

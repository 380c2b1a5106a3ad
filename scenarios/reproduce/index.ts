export { type AnswerComparison, WORDING_MATCH } from './compare-answers.js';
export { ReplayError, ReproduceInputError } from './errors.js';
export { type DiscoverySource, type ReadDiscoveryOptions, readDiscovery } from './read-discovery.js';
export { type BankAnswer, type FailedRequest, readBankAnswer, readFailedRequest } from './read-exchange.js';
export { type Diagnosis, type RankedVariant, type ReproduceOptions, reproduce } from './reproduce.js';
export { REPLAY_CANDIDATES, type SwitchChange } from './variants.js';

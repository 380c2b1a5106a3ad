export { jsonObject, mediaType, readBody } from './body.js';
export { type BoundedFetchOptions, boundedGet, FetchError } from './bounded-fetch.js';
export { errorHandler, notFoundHandler } from './errors.js';
export { hostHeader } from './host-header.js';
export { MESSAGE_TAP_PATH, type MessageTapOptions, messageTap, type TappedMessage } from './message-tap.js';
export { negotiate } from './negotiate.js';
export { peerCertificateDer } from './peer-certificate.js';
export { requestLog } from './request-log.js';
export { sendJson } from './send-json.js';
export {
  type ListenOptions,
  listenHttps,
  MAX_CONNECTIONS,
  type RunningServer,
  type TlsCredentials,
} from './server.js';
export { SINGLE_HEADERS, singleHeaders } from './single-headers.js';
export { attachChecks, type CheckOutcome, type CheckResult } from './tap-checks.js';
export { type TrackedConnections, trackConnections } from './track-connections.js';

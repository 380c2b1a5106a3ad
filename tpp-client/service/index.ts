export { createTppServiceApp, type RegisterOutcome, registrationView, type TppServiceDeps } from './app.js';
export { TPP_SERVICE_DEFAULTS, type TppServiceConfig } from './config.js';
export type { TppRegistration } from './registrations.js';
export { type RunningTppService, startTppService } from './start.js';

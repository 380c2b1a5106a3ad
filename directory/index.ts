export { createDirectoryApp } from './app.js';
export { ConfigError, DIRECTORY_DEFAULTS, type DirectoryConfig, resolveDirectoryConfig } from './config.js';
export type { DirectoryContext } from './context.js';
export { directoryPaths, openDirectoryContext } from './open.js';
export { type RunningDirectory, startDirectory } from './start.js';

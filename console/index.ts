export { createConsoleApp } from './app.js';
export type { ConsoleBank, ConsoleContext } from './context.js';
export { type ConsoleOptions, type RunningConsole, startConsole } from './start-console.js';

export { FileStore, type FileStoreOptions, type FileStoreStats } from './file-store.js';
export { MemoryStore } from './memory-store.js';
export { type Store, UnknownCollection } from './store.js';

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useKeyCache } from '../certs/index.js';

// RSA key generation (~150 ms a key) dominates test time: reuse test keys across runs.
useKeyCache(join(tmpdir(), 'obmock-test-key-cache'));

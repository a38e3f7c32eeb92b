// The worker thread's entry, in plain JavaScript so that any Node can start it: it registers the TypeScript
// loader in this thread (as bin/partnership.js does in the main one), then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./trigram-worker.ts');

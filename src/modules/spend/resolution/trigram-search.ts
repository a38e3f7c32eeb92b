import { Worker } from 'node:worker_threads';
import type { TrigramMatch } from './trigram-join.ts';
import type { SearchReply, SearchRequest } from './trigram-worker.ts';

// The trigram step off the event loop: one worker thread per search, so that /health and the pages keep
// answering while an import's suppliers are matched against a register of hundreds of thousands of names.

export type WorkerSearch = { matches: TrigramMatch[][]; threadId: number };

/** Each key's register names at least `threshold` similar, most similar first (TrigramIndex.search, in a worker). */
export function searchInWorker(names: string[], keys: string[], threshold: number): Promise<WorkerSearch> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./trigram-worker.mjs', import.meta.url));
    let settled = false;
    worker.once('message', (reply: SearchReply) => {
      settled = true;
      const matches = keys.map((_key, k) => {
        const found: TrigramMatch[] = [];
        for (let p = reply.offsets[k]!; p < reply.offsets[k + 1]!; p++)
          found.push({ index: reply.indexes[p]!, similarity: reply.similarities[p]! });
        return found;
      });
      resolve({ matches, threadId: reply.threadId });
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`The trigram search stopped before it answered (exit ${code})`));
    });
    const request: SearchRequest = { names, keys, threshold };
    worker.postMessage(request);
  });
}

import { parentPort, threadId } from 'node:worker_threads';
import { TrigramIndex } from './trigram-join.ts';

// Runs in a worker thread (trigram-search.ts starts it): builds the index of the register's names and searches
// every key, seconds of work at a register's volume that would otherwise stop the web process's event loop.

export type SearchRequest = { names: string[]; keys: string[]; threshold: number };
/** Key k's matches are indexes[offsets[k] .. offsets[k + 1]], with their similarities beside them. */
export type SearchReply = { threadId: number; offsets: Int32Array; indexes: Int32Array; similarities: Float64Array };

parentPort!.once('message', ({ names, keys, threshold }: SearchRequest) => {
  const index = new TrigramIndex(names, threshold);
  const offsets = new Int32Array(keys.length + 1);
  const indexes: number[] = [];
  const similarities: number[] = [];
  keys.forEach((key, k) => {
    for (const m of index.search(key)) {
      indexes.push(m.index);
      similarities.push(m.similarity);
    }
    offsets[k + 1] = indexes.length;
  });
  const reply: SearchReply = {
    threadId,
    offsets,
    indexes: Int32Array.from(indexes),
    similarities: Float64Array.from(similarities),
  };
  const buffers = [reply.offsets.buffer, reply.indexes.buffer, reply.similarities.buffer] as ArrayBuffer[];
  parentPort!.postMessage(reply, buffers);
});

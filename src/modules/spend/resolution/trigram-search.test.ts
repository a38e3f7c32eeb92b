import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { TrigramIndex } from './trigram-join.ts';
import { searchInWorker } from './trigram-search.ts';

describe('the trigram step in a worker thread', () => {
  it('runs off the calling thread and finds exactly what the index finds in it', async () => {
    const names = [
      'age concern croydon',
      'croydon mind',
      'mind in croydon',
      'youth club south norwood',
      'norwood youth',
    ];
    const keys = ['age concern croydn', 'croydon mind', 'south norwood youth club', 'nothing alike'];
    const { matches, threadId: worker } = await searchInWorker(names, keys, 0.3);
    expect(worker).not.toBe(threadId);
    const index = new TrigramIndex(names, 0.3);
    expect(matches).toEqual(keys.map((k) => index.search(k)));
    expect(matches.flat().length).toBeGreaterThan(3);
  });
});

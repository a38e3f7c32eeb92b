import { describe, expect, it } from 'vitest';
import { countWords, diffToHtml, diffWords, tokenise } from './diff.ts';

const rebuild = (parts: ReturnType<typeof diffWords>, side: 'before' | 'after') =>
  parts
    .filter((p) => p.kind === 'same' || p.kind === (side === 'before' ? 'removed' : 'added'))
    .map((p) => p.text)
    .join('');

describe('the word-level difference between versions', () => {
  it('keeps every character of a text in its tokens', () => {
    const text = 'Support for  carers\nin Thornton Heath.';
    expect(tokenise(text).join('')).toBe(text);
  });

  it('marks one word replaced, and nothing else', () => {
    const parts = diffWords('Support for young carers in Selhurst', 'Support for adult carers in Selhurst');
    expect(parts).toEqual([
      { kind: 'same', text: 'Support for ' },
      { kind: 'removed', text: 'young' },
      { kind: 'added', text: 'adult' },
      { kind: 'same', text: ' carers in Selhurst' },
    ]);
  });

  it('finds words added in the middle and removed at the end', () => {
    const before = 'Weekly drop-in sessions at the library for older residents';
    const after = 'Weekly drop-in and outreach sessions at the library';
    const parts = diffWords(before, after);
    expect(rebuild(parts, 'before')).toBe(before);
    expect(rebuild(parts, 'after')).toBe(after);
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['and outreach']);
    expect(parts.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['for older residents']);
    expect(countWords(parts)).toEqual({ added: 2, removed: 3 });
  });

  it('groups a run of changed words as one removal then one addition', () => {
    const parts = diffWords('one two three four', 'one six seven four');
    expect(parts.map((p) => p.kind)).toEqual(['same', 'removed', 'added', 'same']);
    expect(parts[1]!.text).toBe('two three');
    expect(parts[2]!.text).toBe('six seven');
  });

  it('treats identical texts as unchanged and empty texts as wholly added or removed', () => {
    expect(diffWords('same text', 'same text')).toEqual([{ kind: 'same', text: 'same text' }]);
    expect(diffWords('', 'new words')).toEqual([{ kind: 'added', text: 'new words' }]);
    expect(diffWords('old words', '')).toEqual([{ kind: 'removed', text: 'old words' }]);
    expect(diffWords('', '')).toEqual([]);
  });

  it('renders <ins> and <del> with words for screen readers, escaping the text', () => {
    const html = diffToHtml(diffWords('Budget £5 <b>', 'Budget £10 <b>'));
    expect(html).toContain('<del class="app-diff__removed"><span class="govuk-visually-hidden">[removed: </span>£5');
    expect(html).toContain('<ins class="app-diff__added"><span class="govuk-visually-hidden">[added: </span>£10');
    expect(html).toContain('&lt;b&gt;');
    expect(html).not.toContain('<b>');
  });

  it('copes with long sections quickly', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `word${i % 97}`);
    const changed = [...words];
    changed[1500] = 'different';
    const started = Date.now();
    const parts = diffWords(words.join(' '), changed.join(' '));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(countWords(parts)).toEqual({ added: 1, removed: 1 });
  });
});

import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import { ImportError } from './errors.ts';

export type TextEncoding = 'ascii' | 'utf-8' | 'windows-1252' | 'utf-16le';

// A byte-order mark, and the same mark read as Windows-1252 and saved again as UTF-8 ("ï»¿"), which
// spreadsheets sometimes write; either may appear once or twice at the start.
const LEADING_MARKS = /^(?:\uFEFF|\u00EF\u00BB\u00BF)+/;

// Windows-1252 puts dashes, quotes and the euro sign at 0x80–0x9F, where Unicode has invisible C1 control
// characters. Text that passed through a system reading Windows-1252 as Latin-1 carries those controls, even in
// UTF-8 files ("REDACTED \u0096 PERSONAL DATA"): read them as the characters that were meant. The five bytes
// Windows-1252 leaves undefined stay as they are.
const WINDOWS_1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** C1 control characters (U+0080–U+009F) as the Windows-1252 characters they stood for. */
export function fromC1Controls(text: string): string {
  return text.replace(/[\u0080-\u009F]/g, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]!);
}

/**
 * Bytes in, text out. Until the first byte above 0x7F the text is plain ASCII, so the choice of encoding can
 * wait until then: if that first non-ASCII sequence is valid UTF-8 the file is read as UTF-8, otherwise as
 * Windows-1252 (what Excel on Windows saves). Memory stays bounded: nothing is held back but a partial character.
 */
export class TextDecoderStream extends Transform {
  encoding: TextEncoding = 'ascii';
  #utf8: TextDecoder | undefined;
  #utf16: ReturnType<typeof iconv.getDecoder> | undefined;
  #pending: Buffer = Buffer.alloc(0);
  #started = false;
  #bytes = 0;

  constructor(initial?: 'utf-16le') {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' });
    if (initial === 'utf-16le') {
      this.encoding = 'utf-16le';
      this.#utf16 = iconv.getDecoder('utf-16le');
    }
  }

  #emit(text: string) {
    if (!text) return;
    if (!this.#started) {
      text = text.replace(LEADING_MARKS, '');
      if (!text) return;
      this.#started = true;
    }
    this.push(fromC1Controls(text));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    try {
      this.#decode(chunk);
      this.#bytes += chunk.length;
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  #decode(chunk: Buffer) {
    if (this.encoding === 'utf-16le') return this.#emit(this.#utf16!.write(chunk));
    if (this.encoding === 'windows-1252') return this.#emit(iconv.decode(chunk, 'win1252'));
    if (this.encoding === 'utf-8') {
      try {
        return this.#emit(this.#utf8!.decode(chunk, { stream: true }));
      } catch {
        throw new ImportError(
          `The file is not consistently encoded: it starts as UTF-8 but has other characters after about byte ${this.#bytes.toLocaleString('en-GB')}. Save it again as "CSV UTF-8" and try again.`,
        );
      }
    }
    // Still undecided: everything so far was ASCII.
    const bytes = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = Buffer.alloc(0);
    const first = bytes.findIndex((b) => b > 0x7f);
    if (first < 0) return this.#emit(bytes.toString('latin1'));
    this.#emit(bytes.subarray(0, first).toString('latin1'));
    const rest = bytes.subarray(first);
    // A character may be cut at the end of the chunk: wait for more bytes before deciding.
    if (rest.length < 4) {
      this.#pending = Buffer.from(rest);
      return;
    }
    this.#choose(rest);
  }

  #choose(rest: Buffer) {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let text: string;
    try {
      text = decoder.decode(rest, { stream: true });
    } catch {
      this.encoding = 'windows-1252';
      return this.#emit(iconv.decode(rest, 'win1252'));
    }
    this.encoding = 'utf-8';
    this.#utf8 = decoder;
    this.#emit(text);
  }

  override _flush(done: TransformCallback) {
    try {
      if (this.encoding === 'ascii' && this.#pending.length) {
        const decoder = new TextDecoder('utf-8', { fatal: true });
        try {
          this.#emit(decoder.decode(this.#pending));
          this.encoding = 'utf-8';
        } catch {
          this.encoding = 'windows-1252';
          this.#emit(iconv.decode(this.#pending, 'win1252'));
        }
      } else if (this.encoding === 'utf-8') {
        this.#emit(this.#utf8!.decode());
      } else if (this.encoding === 'utf-16le') {
        this.#emit(this.#utf16!.end() ?? '');
      }
      done();
    } catch {
      done(new ImportError('The file ends in the middle of a character: it may be incomplete. Download it again.'));
    }
  }
}

import type { Readable } from 'node:stream';
import { ImportError } from './errors.ts';

const MAX_RECORD = 1024 * 1024;

/**
 * Streams the objects of a JSON file that is either one array of objects (the Charity Commission's download)
 * or one object a line, with the line each object starts on. Only one object is held at a time.
 */
export async function* jsonRecords(text: Readable, name: string): AsyncGenerator<{ line: number; value: unknown }> {
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let current = '';
  let startLine = 0;
  let collecting = false;
  let objectDepth = 0;
  for await (const chunk of text as AsyncIterable<string>) {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i];
      if (ch === '\n') line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') {
        if (ch === '{' && !collecting && depth <= 1) {
          collecting = true;
          objectDepth = depth;
          startLine = line;
          from = i;
          current = '';
        }
        depth++;
      } else if (ch === '}' || ch === ']') {
        depth--;
        if (depth < 0) throw new ImportError(`${name} is not valid JSON: an unexpected "${ch}" on line ${line}.`);
        if (collecting && depth === objectDepth) {
          current += chunk.slice(from, i + 1);
          collecting = false;
          let value: unknown;
          try {
            value = JSON.parse(current);
          } catch {
            throw new ImportError(
              `${name} is not valid JSON: the record starting on line ${startLine} cannot be read.`,
            );
          }
          current = '';
          yield { line: startLine, value };
        }
      }
    }
    if (collecting) {
      current += chunk.slice(from);
      if (current.length > MAX_RECORD) {
        throw new ImportError(
          `${name} has a record longer than 1 MB starting on line ${startLine}: it is not a register file.`,
        );
      }
    }
  }
  if (collecting || depth !== 0)
    throw new ImportError(`${name} ends in the middle of a record: it may be incomplete. Download it again.`);
}

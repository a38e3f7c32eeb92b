// NUL and the other C0 control characters (all but tab, line feed and carriage return) have no place in anything a
// person types, and PostgreSQL refuses NUL in text: refused at the boundary, with a clear page, not a 500 later.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/** Whether a value read from a request (a string, or arrays and objects of them) holds a control character. */
export function hasControlCharacters(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return CONTROL.test(value);
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  if (Buffer.isBuffer(value)) return false;
  for (const [key, item] of Object.entries(value)) {
    if (CONTROL.test(key) || hasControlCharacters(item, depth + 1)) return true;
  }
  return false;
}

export const controlCharacterMessages = {
  title: 'There is a problem with what was sent',
  paragraphs: [
    'The web address or the form contained a character that cannot be used here, such as a null character. These are not letters, numbers or punctuation, and are usually pasted in by mistake.',
    'Go back, remove the character and try again.',
  ],
};

/**
 * Deepest nesting of objects and arrays a JSON text may have. Real requests nest two or three
 * levels; validation, transformation and JSON.stringify all recurse, so a deeper text is refused
 * before it is parsed rather than found out by a stack overflow.
 */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether a JSON text (bytes or a string) nests objects and arrays deeper than `max`. One pass
 * that skips the insides of strings; the text need not be valid JSON (the parser says so after).
 */
export function jsonTooDeep(text: Buffer | string, max = MAX_JSON_DEPTH): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** What a body parser's `verify` throws for a body nested too deeply: a 400 with a reason. */
export class JsonTooDeepError extends Error {
  override readonly name = 'JsonTooDeepError';
  readonly status = 400;
  readonly type = 'entity.too.deep';

  constructor(max = MAX_JSON_DEPTH) {
    super(`The JSON body nests objects or arrays more than ${max} levels deep.`);
  }
}

const NUL_ESCAPE = Buffer.from('\\u0000');

/**
 * Whether a JSON text holds a NUL character in a string. The `\u0000` escape is the only way one
 * gets into valid JSON (a raw control character is a parse error), and PostgreSQL's text refuses
 * it: a label or name holding one failed as a 500 where it is stored.
 */
export function jsonHasNul(text: Buffer): boolean {
  for (let i = text.indexOf(NUL_ESCAPE); i !== -1; i = text.indexOf(NUL_ESCAPE, i + 1)) {
    // an escape only where an odd run of backslashes ends at it (`\\u0000` is the text "\u0000")
    let slashes = 0;
    while (i - slashes >= 0 && text[i - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 1) return true;
  }
  return false;
}

/** What a body parser's `verify` throws for a body holding a NUL character: a 400 with a reason. */
export class JsonNulError extends Error {
  override readonly name = 'JsonNulError';
  readonly status = 400;
  readonly type = 'entity.nul';

  constructor() {
    super('The JSON body holds a NUL character (\\u0000), which no field takes.');
  }
}

/**
 * A body parser's `verify` option: refuses JSON nested deeper than MAX_JSON_DEPTH and JSON with a
 * NUL character in it, before it is parsed.
 */
export function checkJsonText(_req: unknown, _res: unknown, body: Buffer): void {
  if (jsonTooDeep(body)) throw new JsonTooDeepError();
  if (jsonHasNul(body)) throw new JsonNulError();
}

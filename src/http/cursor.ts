import { type Static, type TObject, type TProperties, Type } from 'typebox';
import { DomainError } from '../errors.js';
import { unstorableTextPath } from '../storable-text.js';
import { newAjv } from './validation.js';

/**
 * Opaque page cursors: the key of the last row seen, so pages stay stable while rows are added. A
 * cursor comes back from the client, so it is untrusted input: every route decodes it against the
 * schema of its own key (no other field, every value bounded) before any query sees it. The schema
 * is the codec's only constructor argument, so a route cannot page without one.
 */
export interface CursorCodec<Key> {
  encode(key: Key): string;
  /** The key, null without a cursor, or INVALID_CURSOR. */
  decode(cursor: string | undefined): Key | null;
}

const cursorAjv = newAjv(false);

/** Building blocks of cursor keys. */
export const CursorKey = {
  seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  instant: Type.String({ format: 'date-time', maxLength: 40 }),
  date: Type.String({ format: 'date', maxLength: 10 }),
  text: Type.String({ maxLength: 200 }),
};

export function cursorCodec<Properties extends TProperties>(
  properties: Properties,
): CursorCodec<Static<TObject<Properties>>> {
  const schema = Type.Object(properties, { additionalProperties: false });
  const valid = cursorAjv.compile(schema);
  return {
    encode: (key) => Buffer.from(JSON.stringify(key)).toString('base64url'),
    decode(cursor) {
      if (!cursor) return null;
      const key = parse(cursor);
      if (!valid(key) || unstorableTextPath(key, 'cursor') !== null) throw invalidCursor();
      return key as Static<TObject<Properties>>;
    },
  };
}

function parse(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
}

export function invalidCursor(): DomainError {
  return new DomainError({
    code: 'INVALID_CURSOR',
    httpStatus: 400,
    message: 'cursor is not one this API issued',
    messageKo: '페이지 커서가 올바르지 않습니다',
  });
}

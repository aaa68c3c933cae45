import { AppError, CommonErrors } from '../errors.js';

/** An opaque cursor for keyset pagination: the last row's sort key, base64url-encoded. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key inside a cursor; a cursor that was not ours answers 400. */
export function decodeCursor<T>(cursor: string, isValid: (key: unknown) => key is T): T {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    key = undefined;
  }
  if (!isValid(key)) {
    throw new AppError(CommonErrors['request.invalid'], {
      summary: 'cursor is not one this API gave out',
      field: 'cursor',
    });
  }
  return key;
}

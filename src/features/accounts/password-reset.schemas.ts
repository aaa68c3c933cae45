import { Type } from 'typebox';
import { Body, Password } from '../../http/schemas.js';

/** The reset page's form: the token from the link's fragment and the new password. */
export const CompletePasswordResetBody = Body({
  token: Type.String({ minLength: 10, maxLength: 100 }),
  password: Password,
});

export const CompletePasswordResetResponse = Type.Object({
  username: Type.String({ description: 'The account whose password changed, to sign in with' }),
});

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

/** "Forgot password?": the name the person signs in with. */
export const RequestPasswordResetBody = Body({
  login: Type.String({ minLength: 1, maxLength: 254, description: 'Username, email or mobile number' }),
});

/** The reset page asks whether its link still works; the token travels in the body, never the URL. */
export const CheckPasswordResetBody = Body({ token: Type.String({ minLength: 10, maxLength: 100 }) });

import { type Static, Type } from 'typebox';
import { Body, Email, Locale, NullableTimestamp, Password, PersonName, Uuid } from '../../http/schemas.js';

/** The signed-in account as the console sees it. */
export const Me = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('managed'), Type.Literal('personal')]),
  name: Type.String(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  locale: Locale,
  isOperator: Type.Boolean(),
  mustChangePassword: Type.Boolean({
    description: 'The password was set by someone else: change it before anything else',
  }),
  lastSignInAt: NullableTimestamp,
});
export type Me = Static<typeof Me>;

export const MeResponse = Type.Object({ account: Me });

export const SignInBody = Body({
  login: Type.String({ minLength: 1, maxLength: 254, description: 'Username, email or mobile number' }),
  password: Password,
});

/**
 * The current password may be left out only right after signing in with a temporary one (the forced
 * change): that sign-in proved it a moment ago.
 */
export const ChangePasswordBody = Body({ currentPassword: Type.Optional(Password), newPassword: Password });

/** A person edits their own name, language, email and phone; a new email or phone needs the password. */
export const UpdateMeBody = Body({
  name: Type.Optional(PersonName),
  locale: Type.Optional(Locale),
  email: Type.Optional(Type.Union([Email, Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String({ minLength: 3, maxLength: 32 }), Type.Null()])),
  currentPassword: Type.Optional(Password),
});
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const StartRegistrationBody = Body({
  email: Type.Optional(Email),
  phone: Type.Optional(Type.String({ minLength: 3, maxLength: 32 })),
  locale: Type.Optional(Locale),
});

export const CompleteRegistrationBody = Body({
  token: Type.String({ minLength: 10, maxLength: 100 }),
  name: PersonName,
  username: Type.String({ minLength: 3, maxLength: 40 }),
  password: Password,
});

import { type Static, Type } from 'typebox';
import { Body, Email, Locale, NullableTimestamp, Password, Uuid } from '../../http/schemas.js';

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

export const ChangePasswordBody = Body({ currentPassword: Password, newPassword: Password });

export const UpdateMeBody = Body({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  locale: Type.Optional(Locale),
});

export const StartRegistrationBody = Body({
  email: Type.Optional(Email),
  phone: Type.Optional(Type.String({ minLength: 3, maxLength: 32 })),
  locale: Type.Optional(Locale),
});

export const CompleteRegistrationBody = Body({
  token: Type.String({ minLength: 10, maxLength: 100 }),
  name: Type.String({ minLength: 1, maxLength: 20 }),
  username: Type.String({ minLength: 3, maxLength: 40 }),
  password: Password,
});

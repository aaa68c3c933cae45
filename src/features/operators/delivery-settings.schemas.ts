import { Type } from 'typebox';
import { Body, Email, NullableTimestamp } from '../../http/schemas.js';

export const SmtpSecurity = Type.Union(
  [Type.Literal('none'), Type.Literal('starttls'), Type.Literal('tls')],
  {
    description:
      'none: plain SMTP; starttls: upgrade required (usually port 587); tls: TLS from the start (465)',
  },
);

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** The mail server as the console shows it: never its password, only whether one is stored. */
export const MailSettings = Type.Object({
  setByEnvironment: Type.Union([Type.Literal('SMTP_URL'), Type.Null()], {
    description: 'The variable that sets SMTP instead of these fields (they are then ignored), or null',
  }),
  host: nullable(Type.String()),
  port: nullable(Type.Integer()),
  security: nullable(SmtpSecurity),
  user: nullable(Type.String()),
  passwordSet: Type.Boolean(),
  from: nullable(Type.String()),
  defaultFrom: Type.String({ description: 'MAIL_FROM, or its default: proposed for an empty From' }),
});

/** The SMS gateway as the console shows it: never its secret, only whether one is stored. */
export const SmsSettings = Type.Object({
  setByEnvironment: Type.Union([Type.Literal('SMS_WEBHOOK_URL'), Type.Null()]),
  url: nullable(Type.String()),
  secretSet: Type.Boolean(),
});

export const DeliverySettings = Type.Object({
  mail: MailSettings,
  sms: SmsSettings,
  updatedAt: NullableTimestamp,
});

/** Saves the mail server. Without `password`, the stored one is kept (and rebound if the server moved). */
export const MailSettingsBody = Body({
  host: Type.String({ minLength: 1, maxLength: 300 }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  security: SmtpSecurity,
  user: Type.Optional(Type.String({ maxLength: 1000, description: 'Empty or absent: no sign-in' })),
  password: Type.Optional(
    Type.String({ maxLength: 1000, description: 'Absent or empty: keep the stored one' }),
  ),
  from: Type.String({ minLength: 1, maxLength: 1000 }),
});

/** Saves the SMS gateway. Without `secret`, the stored one is kept. */
export const SmsSettingsBody = Body({
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  secret: Type.Optional(
    Type.String({ maxLength: 1000, description: 'Absent or empty: keep the stored one' }),
  ),
});

export const TestMailBody = Body({ to: Email });
export const TestMailResponse = Type.Object({ to: Type.String() });

import { Type } from 'typebox';
import { PageQuery, Timestamp, Uuid } from '../../http/schemas.js';

export const OperationsStatus = Type.Object({
  mail: Type.Union([Type.Literal('smtp'), Type.Literal('outbox')]),
  sms: Type.Union([Type.Literal('webhook'), Type.Literal('outbox')]),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
});

export const MailboxQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

export const MailboxPage = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Uuid,
      channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
      recipient: Type.String(),
      subject: Type.Union([Type.String(), Type.Null()]),
      bodyText: Type.String(),
      bodyHtml: Type.Union([Type.String(), Type.Null()]),
      status: Type.Union([
        Type.Literal('pending'),
        Type.Literal('sending'),
        Type.Literal('sent'),
        Type.Literal('kept'),
        Type.Literal('failed'),
      ]),
      createdAt: Timestamp,
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

import { Type } from 'typebox';
import { NullableTimestamp, PageQuery, Timestamp, Uuid } from '../../http/schemas.js';

export const OperationsStatus = Type.Object({
  mail: Type.Union([Type.Literal('smtp'), Type.Literal('outbox')]),
  sms: Type.Union([Type.Literal('webhook'), Type.Literal('outbox')]),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
});

export const OutboxStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('kept'),
  Type.Literal('failed'),
]);

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
      status: OutboxStatus,
      createdAt: Timestamp,
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const OutboxQuery = Type.Object(
  { ...PageQuery, status: Type.Optional(OutboxStatus) },
  { additionalProperties: false },
);

/** A message as the outbox view lists it: where it goes and how it went, never its body. */
export const OutboxEntry = Type.Object({
  id: Uuid,
  channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
  recipient: Type.String(),
  subject: Type.Union([Type.String(), Type.Null()]),
  status: OutboxStatus,
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  sentAt: NullableTimestamp,
});

export const OutboxPage = Type.Object({
  items: Type.Array(OutboxEntry),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const OutboxMessageParams = Type.Object({ messageId: Uuid });

export const RetryResponse = Type.Object({
  retried: Type.Integer({ description: 'How many failed messages were queued again' }),
});

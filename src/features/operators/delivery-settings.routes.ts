import type { AppContext } from '../../context.js';
import { principalOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import {
  DeliverySettings,
  MailSettingsBody,
  SmsSettingsBody,
  TestMailBody,
  TestMailResponse,
} from './delivery-settings.schemas.js';
import {
  deliverySettings,
  saveMailSettings,
  saveSmsSettings,
  sendTestMail,
} from './delivery-settings.service.js';

const operator = { access: { kind: 'operator' } } as const;
const tags = ['operations'];
const SECRET_NOTE = 'Secrets are stored sealed with the installation key and never returned.';

/** The mail server and SMS gateway operators set in the console, and the test message. */
export function deliverySettingsRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/operations/delivery-settings',
    {
      config: operator,
      schema: {
        tags,
        summary: 'The mail server and SMS gateway set in the console, and which the environment overrides',
        description: SECRET_NOTE,
        response: { 200: DeliverySettings, ...errorResponses(401, 403) },
      },
    },
    async () => deliverySettings(ctx),
  );

  app.put(
    '/api/v1/operations/delivery-settings/mail',
    {
      config: operator,
      schema: {
        tags,
        summary: 'Set the mail server (SMTP)',
        description: `Without a password the stored one is kept. 409 when SMTP_URL is set. ${SECRET_NOTE}`,
        body: MailSettingsBody,
        response: { 200: DeliverySettings, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request) => saveMailSettings(ctx, metaOf(request), principalOf(request), request.body),
  );

  app.delete(
    '/api/v1/operations/delivery-settings/mail',
    {
      config: operator,
      schema: {
        tags,
        summary: 'Remove the mail server: mail is kept in the dev mailbox again',
        response: { 200: DeliverySettings, ...errorResponses(401, 403, 409) },
      },
    },
    async (request) => saveMailSettings(ctx, metaOf(request), principalOf(request), null),
  );

  app.put(
    '/api/v1/operations/delivery-settings/sms',
    {
      config: operator,
      schema: {
        tags,
        summary: 'Set the SMS gateway (an HTTP webhook)',
        description: `Without a secret the stored one is kept. 409 when SMS_WEBHOOK_URL is set. ${SECRET_NOTE}`,
        body: SmsSettingsBody,
        response: { 200: DeliverySettings, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request) => saveSmsSettings(ctx, metaOf(request), principalOf(request), request.body),
  );

  app.delete(
    '/api/v1/operations/delivery-settings/sms',
    {
      config: operator,
      schema: {
        tags,
        summary: 'Remove the SMS gateway: SMS is kept in the dev mailbox again',
        response: { 200: DeliverySettings, ...errorResponses(401, 403, 409) },
      },
    },
    async (request) => saveSmsSettings(ctx, metaOf(request), principalOf(request), null),
  );

  app.post(
    '/api/v1/operations/delivery-settings/mail/test',
    {
      config: operator,
      schema: {
        tags,
        summary: 'Send a test message now through the mail server in use',
        description:
          'Answers once the server took the message; 502 with mail.auth_failed, mail.connection_failed or mail.send_failed and the server’s words when it did not.',
        body: TestMailBody,
        response: { 200: TestMailResponse, ...errorResponses(400, 401, 403, 409, 502) },
      },
    },
    async (request) => sendTestMail(ctx, metaOf(request), request.body.to),
  );
}

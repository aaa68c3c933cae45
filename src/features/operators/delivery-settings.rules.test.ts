import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { checkFrom, checkMailSettings, checkSmsSettings, smtpFailure } from './delivery-settings.rules.js';

const mail = {
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls',
  from: 'no-reply@example.com',
} as const;

/** The code and field of what `run` throws. */
function refusal(run: () => unknown): { code: string; field: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, field: error.details.field };
    throw error;
  }
  throw new Error('nothing was refused');
}

describe('the From address', () => {
  it.each([
    'no-reply@example.com',
    'Roster <no-reply@example.com>',
    '"Roster, Inc." <no-reply@example.com>',
    '花名册 <no-reply@example.com>',
    '  Roster <no-reply@example.com>  ',
  ])('takes %j', (from) => {
    expect(checkFrom(from)).toBe(from.trim());
  });

  it.each([
    'Roster <no-reply@example.com>\r\nBcc: attacker@evil.test',
    'no-reply@example.com\nBcc: attacker@evil.test',
    'Roster\r<no-reply@example.com>',
    'Roster <no-reply@example.com>\u2028',
  ])('refuses a line break in %j (header injection)', (from) => {
    expect(refusal(() => checkFrom(from))).toEqual({ code: 'mail_settings.from_line_break', field: 'from' });
  });

  it.each([
    'Roster',
    'no-reply@example.com, attacker@evil.test',
    'Roster <no-reply@example.com> <attacker@evil.test>',
    '<no-reply@example.com> Roster',
    'no reply@example.com',
    'Roster <no-reply@example.com>\u0000',
    `${'a'.repeat(320)}@example.com`,
  ])('refuses %j as not one address', (from) => {
    expect(refusal(() => checkFrom(from))).toEqual({ code: 'mail_settings.invalid_from', field: 'from' });
  });
});

describe('the mail server form', () => {
  it('normalises what it keeps', () => {
    expect(checkMailSettings({ ...mail, host: ' SMTP.Example.COM ', user: '  ', password: '' })).toEqual({
      ...mail,
      host: 'smtp.example.com',
      user: null,
      password: undefined,
    });
    expect(checkMailSettings({ ...mail, user: ' ada ', password: ' pass word ' })).toMatchObject({
      user: 'ada',
      password: ' pass word ',
    });
  });

  it.each(['127.0.0.1', '::1', 'mail', 'smtp.example.com.'])('takes the host %j', (host) => {
    expect(checkMailSettings({ ...mail, host }).host).toBe(host);
  });

  it.each([
    'smtp.example.com:587',
    'smtp example.com',
    'smtp://smtp.example.com',
    '-smtp.example.com',
    'smtp..example.com',
    `${'a'.repeat(64)}.example.com`,
  ])('refuses the host %j', (host) => {
    expect(refusal(() => checkMailSettings({ ...mail, host }))).toEqual({
      code: 'mail_settings.invalid_host',
      field: 'host',
    });
  });

  it('refuses a user name or password that is not one line', () => {
    expect(refusal(() => checkMailSettings({ ...mail, user: 'ada\r\nMAIL FROM', password: 'x' }))).toEqual({
      code: 'mail_settings.invalid_user',
      field: 'user',
    });
    expect(refusal(() => checkMailSettings({ ...mail, user: 'ada', password: 'pa\nss' }))).toEqual({
      code: 'mail_settings.invalid_password',
      field: 'password',
    });
    expect(refusal(() => checkMailSettings({ ...mail, user: 'ada', password: 'x'.repeat(513) }))).toEqual({
      code: 'mail_settings.invalid_password',
      field: 'password',
    });
  });

  it('refuses a From with CR/LF', () => {
    expect(refusal(() => checkMailSettings({ ...mail, from: 'a@example.com\r\nBcc: b@evil.test' }))).toEqual({
      code: 'mail_settings.from_line_break',
      field: 'from',
    });
  });
});

describe('the SMS gateway form', () => {
  it('takes an http(s) URL and keeps the stored secret when none is typed', () => {
    expect(checkSmsSettings({ url: ' https://sms.example.com/send ', secret: '' })).toEqual({
      url: 'https://sms.example.com/send',
      secret: undefined,
    });
    expect(checkSmsSettings({ url: 'http://10.0.0.5:8080/sms', secret: 's'.repeat(16) }).secret).toHaveLength(
      16,
    );
  });

  it.each(['sms.example.com/send', 'ftp://sms.example.com/', 'javascript:alert(1)', 'https://'])(
    'refuses the URL %j',
    (url) => {
      expect(refusal(() => checkSmsSettings({ url }))).toEqual({
        code: 'sms_settings.invalid_url',
        field: 'url',
      });
    },
  );

  it.each(['short', 's'.repeat(513), `${'s'.repeat(20)}\n`])('refuses the secret %j', (secret) => {
    expect(refusal(() => checkSmsSettings({ url: 'https://sms.example.com/', secret }))).toEqual({
      code: 'sms_settings.invalid_secret',
      field: 'secret',
    });
  });
});

describe('SMTP failures', () => {
  it('tells a refused sign-in from an unreachable server from a refused message', () => {
    const auth = smtpFailure(
      Object.assign(new Error('Invalid login'), {
        code: 'EAUTH',
        response: '535 5.7.8  Bad\r\n credentials',
      }),
    );
    expect(auth.code).toBe('mail.auth_failed');
    expect(auth.details.reason).toBe('535 5.7.8 Bad credentials');
    const refused = smtpFailure(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' }),
    );
    expect(refused.code).toBe('mail.connection_failed');
    expect(refused.details.reason).toBe('connect ECONNREFUSED 127.0.0.1:25');
    expect(smtpFailure(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })).code).toBe(
      'mail.connection_failed',
    );
    expect(smtpFailure(Object.assign(new Error('550 no such user'), { code: 'EENVELOPE' })).code).toBe(
      'mail.send_failed',
    );
    expect(String(smtpFailure(new Error('y'.repeat(1000))).details.reason)).toHaveLength(300);
  });
});

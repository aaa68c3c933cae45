import { describe, expect, it } from 'vitest';
import { escapeHtml, type MessageTemplate, messageTime, oneLine, renderEmail, renderSms } from './layout.js';

const greeting: MessageTemplate<{ name: string; url: string }> = {
  en: ({ name, url }) => ({
    subject: `Welcome, ${name}`,
    paragraphs: [`Hello ${name},`, 'Your account is ready.'],
    action: { label: `Open ${name}'s page`, url },
  }),
  'zh-CN': ({ name, url }) => ({
    subject: `欢迎，${name}`,
    paragraphs: [`${name}，您好：`, '您的账号已就绪。'],
    action: { label: '打开', url },
  }),
};

const hostile = '<img src=x onerror="alert(1)"> & \'quoted\'';

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    );
    expect(escapeHtml('张三 plain text 123')).toBe('张三 plain text 123');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});

describe('oneLine', () => {
  it('turns CR, LF and other control characters into single spaces and trims', () => {
    expect(oneLine('Hello\r\nBcc: evil@example.com')).toBe('Hello Bcc: evil@example.com');
    expect(oneLine('a\n\n\tb\u0000c\u007f')).toBe('a b c');
    expect(oneLine('  \r\n padded \n ')).toBe('padded');
    expect(oneLine('你好 world')).toBe('你好 world');
  });
});

describe('renderEmail', () => {
  it('escapes values in the HTML part, keeps the text part plain, and puts the subject on one line', () => {
    const mail = renderEmail(greeting, 'en', {
      name: `Eve\r\nX-Injected: 1 ${hostile}`,
      url: 'https://roster.example.com/x?a=1&b="2"',
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject.startsWith('Welcome, Eve X-Injected: 1')).toBe(true);
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain(escapeHtml(hostile));
    expect(mail.html).toContain('href="https://roster.example.com/x?a=1&amp;b=&quot;2&quot;"');
    expect(mail.html).toContain('&#39;s page</a>');
    expect(mail.text).toContain(hostile);
    expect(mail.text).toContain('https://roster.example.com/x?a=1&b="2"');
  });

  it('renders both locales', () => {
    const vars = { name: '张三', url: 'https://roster.example.com/a' };
    const en = renderEmail(greeting, 'en', vars);
    const zh = renderEmail(greeting, 'zh-CN', vars);
    expect(en.subject).toBe('Welcome, 张三');
    expect(zh.subject).toBe('欢迎，张三');
    for (const mail of [en, zh]) {
      expect(mail.html.startsWith('<!doctype html>')).toBe(true);
      expect(mail.html).toContain('href="https://roster.example.com/a"');
      expect(mail.text.endsWith('https://roster.example.com/a')).toBe(true);
    }
    expect(zh.text.split('\n\n')).toEqual([
      '张三，您好：',
      '您的账号已就绪。',
      '打开：https://roster.example.com/a',
    ]);
  });

  it('leaves out the button when there is no action', () => {
    const plain: MessageTemplate<Record<string, never>> = {
      en: () => ({ subject: 'Hi', paragraphs: ['One.'] }),
      'zh-CN': () => ({ subject: '嗨', paragraphs: ['一。'] }),
    };
    const mail = renderEmail(plain, 'zh-CN', {});
    expect(mail.text).toBe('一。');
    expect(mail.html).not.toContain('<a ');
  });
});

describe('renderSms', () => {
  it('is the text on one line with the bare link, in either locale', () => {
    const vars = { name: '李四', url: 'https://roster.example.com/s' };
    expect(renderSms(greeting, 'en', vars)).toBe(
      'Hello 李四, Your account is ready. https://roster.example.com/s',
    );
    expect(renderSms(greeting, 'zh-CN', vars)).toBe(
      '李四，您好： 您的账号已就绪。 https://roster.example.com/s',
    );
  });
});

describe('messageTime', () => {
  it('writes a moment as the reader’s language does, in UTC', () => {
    const time = new Date('2026-12-01T08:05:00Z');
    expect(messageTime(time, 'zh-CN')).toBe('2026年12月1日 08:05');
    expect(messageTime(time, 'en')).toBe('December 1, 2026 at 8:05 AM');
  });
});

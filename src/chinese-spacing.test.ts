import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from './errors.js';
import { contactChangedMessage, passwordChangedMessage } from './features/accounts/accounts.messages.js';
import {
  passwordResetLinkMessage,
  temporaryPasswordMessage,
} from './features/accounts/password-reset.messages.js';
import { memberWelcomeMessage } from './features/members/members.messages.js';
import type { MessageContent } from './notify/layout.js';
import { problemOf } from './validation.messages.js';
// Every feature declares its codes when its routes load: load them all.
import './http/app.js';

/** A Chinese character or full-width punctuation mark. */
const CJK = '[\\u3000-\\u303f\\u3400-\\u9fff\\uff00-\\uffef“”]';

/** Spaces between Chinese text and a placeholder (`{{name}}`, `{name}`) or a filled-in name, either side. */
function spacedAround(text: string, inserted: string): string[] {
  const escaped = inserted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`${CJK} +${escaped}|${escaped} +${CJK}`, 'g');
  return text.match(pattern) ?? [];
}

function leaves(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    leaves(child, path ? `${path}.${key}` : key),
  );
}

describe('Chinese text around names and numbers', () => {
  it('the console catalogue puts no space between Chinese and an interpolation', () => {
    const catalogue = JSON.parse(
      readFileSync(new URL('../web/src/locales/zh-CN.json', import.meta.url), 'utf8'),
    ) as unknown;
    const spaced = leaves(catalogue).flatMap(([key, text]) =>
      spacedAround(text, '{{')
        .concat(spacedAround(text, '}}'))
        .map((hit) => `${key}: ${hit}`),
    );
    expect(spaced).toEqual([]);
  });

  it('the server’s error and validation messages put none around a placeholder', () => {
    const templates = [...errorCatalogue()].map(([code, spec]) => [code, spec.zh] as const);
    const spaced = templates.flatMap(([code, text]) =>
      spacedAround(text, '{')
        .concat(spacedAround(text, '}'))
        .map((hit) => `${code}: ${hit}`),
    );
    expect(spaced).toEqual([]);
    const problem = problemOf({ rule: 'maxLength', field: '姓名', limit: 20 }, 'zh-CN');
    expect(problem).toBe('姓名最多20个字符');
  });

  it('messages to a member put none around their name, the org’s name or a number', () => {
    const vars = {
      name: '欧阳娜娜',
      orgName: '星河科技',
      username: 'nana@xinghe.example',
      password: 'Kx7-pQ2-mZ9',
      hours: 72,
      url: 'https://roster.example/reset-password#token=x',
      signInUrl: 'https://roster.example/sign-in',
      time: new Date('2026-12-01T08:05:00Z'),
      kind: 'email' as const,
      by: '星河科技',
    };
    const contents: MessageContent[] = [
      memberWelcomeMessage['zh-CN'](vars),
      temporaryPasswordMessage['zh-CN'](vars),
      passwordResetLinkMessage['zh-CN'](vars),
      passwordChangedMessage['zh-CN'](vars),
      contactChangedMessage['zh-CN'](vars),
    ];
    for (const content of contents) {
      const text = [content.subject, ...content.paragraphs].join('\n');
      for (const value of [
        vars.name,
        vars.orgName,
        vars.username,
        '2026年12月1日 08:05',
        String(vars.hours),
      ]) {
        expect(spacedAround(text, value), text).toEqual([]);
      }
    }
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../', import.meta.url);

/** Every audit action the server writes, as its code spells it (`action: 'member.disabled'`). */
function writtenActions(): string[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
  );
  const actions = files.flatMap((file) =>
    [
      ...readFileSync(new URL(file, SRC), 'utf8').matchAll(/(?:action|auditAction): '([a-z_]+\.[a-z_]+)'/g),
    ].map((match) => match[1] as string),
  );
  return [...new Set(actions)].sort();
}

function catalogueEvents(locale: string): string[] {
  const catalogue = JSON.parse(readFileSync(new URL(`../web/src/locales/${locale}.json`, SRC), 'utf8')) as {
    audit: { events: Record<string, Record<string, string>> };
  };
  return Object.entries(catalogue.audit.events).flatMap(([type, names]) =>
    Object.keys(names).map((name) => `${type}.${name}`),
  );
}

describe('audit events in words', () => {
  it('finds the actions the server writes', () => {
    expect(writtenActions()).toEqual(expect.arrayContaining(['member.disabled', 'department.deleted']));
  });

  it('names every action the server writes in both console languages', () => {
    for (const locale of ['en', 'zh-CN']) {
      const named = catalogueEvents(locale);
      expect(
        writtenActions().filter((action) => !named.includes(action)),
        locale,
      ).toEqual([]);
    }
  });
});

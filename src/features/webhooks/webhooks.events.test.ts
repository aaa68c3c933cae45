import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_OF_ACTION, eventTypeOf, WEBHOOK_EVENT_TYPES } from './webhooks.events.js';

const SRC = new URL('../../', import.meta.url);

/** Every audit action the server's code writes, as it spells it (`action: 'member.disabled'`). */
function writtenActions(): Set<string> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
  );
  // Every dotted literal on a line that sets an action: `action: a ? 'invitation.accepted' : '…_pending'`.
  const lines = files.flatMap((file) =>
    readFileSync(new URL(file, SRC), 'utf8')
      .split('\n')
      .filter((line) => /\b(?:action|auditAction): /.test(line)),
  );
  return new Set(
    lines.flatMap((line) => [...line.matchAll(/'([a-z_]+\.[a-z_]+)'/g)].map((match) => match[1] as string)),
  );
}

describe('webhook event catalogue', () => {
  it('maps only actions the code really writes', () => {
    const written = writtenActions();
    expect(written.has('member.created')).toBe(true);
    expect(Object.keys(EVENT_OF_ACTION).filter((action) => !written.has(action))).toEqual([]);
  });

  it('has a source for every event type it offers', () => {
    const member = { orgId: 'o', actorAccountId: null, targetType: 'member', targetId: 'm' } as const;
    const sourced = new Set([
      ...Object.values(EVENT_OF_ACTION),
      eventTypeOf({ ...member, action: 'member.deleted', before: { status: 'invited' } }),
      eventTypeOf({ ...member, action: 'member.deleted', before: { status: 'pending' } }),
    ]);
    expect(WEBHOOK_EVENT_TYPES.filter((type) => !sourced.has(type))).toEqual([]);
    expect(writtenActions().has('member.deleted')).toBe(true);
  });

  it('is no event for a failure, an event outside an org, or an action it does not list', () => {
    const base = { actorAccountId: null, targetType: 'member', targetId: 'm' } as const;
    expect(eventTypeOf({ ...base, orgId: 'o', action: 'member.created', outcome: 'failure' })).toBeNull();
    expect(eventTypeOf({ ...base, orgId: null, action: 'member.created' })).toBeNull();
    expect(eventTypeOf({ ...base, orgId: 'o', action: 'member.password_reset' })).toBeNull();
    expect(eventTypeOf({ ...base, orgId: 'o', action: 'member.departments_changed' })).toBe('member.updated');
  });
});

import { describe, expect, it } from 'vitest';
import type { InvitationChannel } from '../../db/schema.js';
import { DEFAULT_JOIN_RULES, joinStatus, missingFields, readJoinRules } from './join-rules.js';

describe('joinStatus: who needs approval, as a truth table', () => {
  const CHANNELS: InvitationChannel[] = ['email', 'sms', 'link', 'public'];
  // [channel, inviter holds approvals.manage, enrollment approval on] → status
  const table: [InvitationChannel, boolean, boolean, 'active' | 'pending'][] = CHANNELS.flatMap((channel) =>
    [true, false].flatMap((approves) =>
      [true, false].map(
        (approval) =>
          [
            channel,
            approves,
            approval,
            channel === 'public' || (approval && !approves) ? 'pending' : 'active',
          ] as [InvitationChannel, boolean, boolean, 'active' | 'pending'],
      ),
    ),
  );
  it.each(table)(
    '%s, inviter approves: %s, enrollment approval: %s → %s',
    (channel, approves, approval, status) => {
      expect(joinStatus(channel, approves, { enrollmentApproval: approval })).toBe(status);
    },
  );
  it('always asks an approver about a public request, even one an admin shared', () => {
    expect(joinStatus('public', true, { enrollmentApproval: false })).toBe('pending');
  });
  it('lets an admin’s manual link in without approval, and a member’s only while approval is off', () => {
    expect(joinStatus('link', true, { enrollmentApproval: true })).toBe('active');
    expect(joinStatus('link', false, { enrollmentApproval: true })).toBe('pending');
    expect(joinStatus('link', false, { enrollmentApproval: false })).toBe('active');
  });
});

describe('readJoinRules', () => {
  it('fills in every default for an org that never set its rules', () => {
    expect(readJoinRules({})).toEqual(DEFAULT_JOIN_RULES);
    expect(readJoinRules(null)).toEqual(DEFAULT_JOIN_RULES);
  });
  it('keeps known fields in their order and drops unknown ones', () => {
    expect(readJoinRules({ requiredFields: ['workLocation', 'bogus', 'employeeId'] }).requiredFields).toEqual(
      ['employeeId', 'workLocation'],
    );
  });
  it('ignores values of the wrong type', () => {
    expect(readJoinRules({ publicLink: 'yes', maxOpenRequests: -3 })).toMatchObject({
      publicLink: false,
      maxOpenRequests: 500,
    });
  });
});

describe('missingFields', () => {
  it('names the required fields left empty or blank', () => {
    expect(
      missingFields(
        { requiredFields: ['employeeId', 'position'] },
        { employeeId: ' ', position: 'Engineer' },
      ),
    ).toEqual(['employeeId']);
  });
});

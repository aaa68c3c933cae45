import { describe, expect, it } from 'vitest';
import { invitationAddress } from './invitations.service.js';

describe('invitationAddress: one form per address, so one person gets one invitation', () => {
  it.each([
    [' Ivy.Lee@Mail.Example ', { channel: 'email', address: 'ivy.lee@mail.example' }],
    ['+86 138 0013 8000', { channel: 'sms', address: '+8613800138000' }],
    ['0086 138 0013 8000', { channel: 'sms', address: '+8613800138000' }],
    ['13800138000', { channel: 'sms', address: '+8613800138000' }],
  ])('%s → %o', (raw, expected) => {
    expect(invitationAddress(raw, 'CN')).toEqual(expected);
  });

  it.each(['not an address', 'ivy@localhost', '@mail.example', '12345'])('refuses %s', (raw) => {
    expect(invitationAddress(raw, 'CN')).toBeUndefined();
  });
});

import type { InvitationChannel } from '../../db/schema.js';

/** Fields a joiner may be asked to fill in before joining (seed 004's "Rules for User Joining"). */
export const JOIN_FIELDS = ['employeeId', 'position', 'workLocation'] as const;
export type JoinField = (typeof JOIN_FIELDS)[number];

/** An org's join rules, as stored in organizations.join_rules with every default filled in. */
export interface JoinRules {
  /** Invitations from people without approvals.manage become requests an approver decides. */
  readonly enrollmentApproval: boolean;
  /** What a joiner must fill in. */
  readonly requiredFields: readonly JoinField[];
  /** The public link, its QR code and the org code take requests. */
  readonly publicLink: boolean;
  /** One reminder 24 hours before an invitation expires. */
  readonly reminders: boolean;
  /** Open public requests the org holds at most: strangers cannot flood its approvers. */
  readonly maxOpenRequests: number;
}

export const DEFAULT_JOIN_RULES: JoinRules = {
  enrollmentApproval: false,
  requiredFields: [],
  publicLink: false,
  reminders: true,
  maxOpenRequests: 500,
};

const isJoinField = (value: unknown): value is JoinField => JOIN_FIELDS.includes(value as JoinField);

/** Reads the stored rules; a missing or unreadable entry is its default. */
export function readJoinRules(stored: Record<string, unknown> | null | undefined): JoinRules {
  const value = stored ?? {};
  const flag = (key: keyof JoinRules, fallback: boolean) =>
    typeof value[key] === 'boolean' ? (value[key] as boolean) : fallback;
  const max = value.maxOpenRequests;
  return {
    enrollmentApproval: flag('enrollmentApproval', DEFAULT_JOIN_RULES.enrollmentApproval),
    requiredFields: Array.isArray(value.requiredFields)
      ? JOIN_FIELDS.filter((field) => (value.requiredFields as unknown[]).filter(isJoinField).includes(field))
      : DEFAULT_JOIN_RULES.requiredFields,
    publicLink: flag('publicLink', DEFAULT_JOIN_RULES.publicLink),
    reminders: flag('reminders', DEFAULT_JOIN_RULES.reminders),
    maxOpenRequests:
      typeof max === 'number' && Number.isInteger(max) && max > 0 ? max : DEFAULT_JOIN_RULES.maxOpenRequests,
  };
}

/**
 * Who needs approval (PRODUCT.md, seeds 002/004), decided when the invitation is accepted with the
 * inviter's standing at that moment: a public link, QR code or org code always leads to a request; an
 * invitation from someone without approvals.manage does while enrollment approval is on; every other
 * invitation (an approver's, by message or manual link) makes the person active.
 */
export function joinStatus(
  channel: InvitationChannel,
  inviterApproves: boolean,
  rules: Pick<JoinRules, 'enrollmentApproval'>,
): 'active' | 'pending' {
  if (channel === 'public') return 'pending';
  if (rules.enrollmentApproval && !inviterApproves) return 'pending';
  return 'active';
}

/** The required fields a joiner left empty. */
export function missingFields(
  rules: Pick<JoinRules, 'requiredFields'>,
  fields: Partial<Record<JoinField, string>>,
): JoinField[] {
  return rules.requiredFields.filter((field) => !fields[field]?.trim());
}

import { type Static, Type } from 'typebox';
import { Body, Email, Locale, Password, PersonName, Timestamp, Uuid } from '../../http/schemas.js';
import { Me } from '../accounts/accounts.schemas.js';

const Plan = Type.Union([Type.Literal('free'), Type.Literal('paid')]);
const OrgName = Type.String({
  minLength: 1,
  maxLength: 200,
  description: '1–50 characters, trimmed; also the name of the root department',
});
const Domain = Type.String({
  minLength: 3,
  maxLength: 100,
  description: 'Suffix of managed usernames, e.g. acme.example',
});

/** An organization in the signed-in person's list, with what they may do there. */
export const OrgSummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  code: Type.String(),
  domain: Type.String(),
  memberId: Uuid,
  roles: Type.Array(Type.String(), { description: 'The roles held over the whole organization' }),
  permissions: Type.Array(Type.String(), { description: 'The permissions held over the whole organization' }),
  scopes: Type.Array(Type.Object({ permission: Type.String(), departmentIds: Type.Array(Uuid) }), {
    description:
      'The permissions held over departments only, each with the departments its grants cover (each with its sub-departments)',
  }),
});
export type OrgSummary = Static<typeof OrgSummary>;

export const Organization = Type.Object({
  id: Uuid,
  name: Type.String(),
  code: Type.String({ description: 'Public number people search to request to join' }),
  domain: Type.String(),
  plan: Plan,
  memberLimit: Type.Integer(),
  seatsUsed: Type.Integer({ description: 'Members counted against the limit, invited ones included' }),
  ownerAccountId: Uuid,
  /** Default language of messages to members; a managed account starts with it. */
  locale: Locale,
  createdAt: Timestamp,
});
export type Organization = Static<typeof Organization>;

/** GET /orgs/:orgId: the profile, with what the console needs to check a member's fields as the server will. */
export const OrganizationProfile = Type.Object({
  organization: Organization,
  phoneRegion: Type.String({
    description: 'Country (ISO 3166 alpha-2) assumed for a mobile number written without a country code',
  }),
});

/** Whether the signed-in account may create an organization on this server, and if not why. */
export const OrgCreationAnswer = Type.Object({
  allowed: Type.Boolean(),
  refusal: Type.Union([
    Type.Object({
      code: Type.String({ description: 'The error code POST /orgs would answer' }),
      message: Type.String({ description: 'What to do instead, in your language' }),
    }),
    Type.Null(),
  ]),
});
export type OrgCreationAnswer = Static<typeof OrgCreationAnswer>;

export const OrgParams = Type.Object({ orgId: Uuid }, { additionalProperties: false });

export const CreateOrgBody = Body({ name: OrgName, domain: Domain });
export const UpdateOrgBody = Body({ name: Type.Optional(OrgName), locale: Type.Optional(Locale) });
export const OperatorUpdateOrgBody = Body({
  plan: Type.Optional(Plan),
  memberLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
});

export const SetupBody = Body({
  code: Type.String({ minLength: 10, maxLength: 100 }),
  organization: Body({ name: OrgName, domain: Domain }),
  owner: Body({
    name: PersonName,
    username: Type.String({ minLength: 3, maxLength: 40 }),
    email: Type.Optional(Email),
    password: Password,
  }),
});

export const SetupResponse = Type.Object({ account: Me, organization: OrgSummary });
export const MeWithOrgsResponse = Type.Object({ account: Me, organizations: Type.Array(OrgSummary) });

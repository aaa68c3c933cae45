import type { AppContext } from '../../context.js';
import { MAX_RESULTS } from './scim.users.js';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './scim.users.map.js';

/** RFC 7643 §5–7: what this server does, its resource types and the attributes it keeps. */

const base = (ctx: AppContext, path: string) => new URL(`/scim/v2/${path}`, ctx.config.publicUrl).toString();

/** GET /ServiceProviderConfig: what the routes really support. */
export function serviceProviderConfig(ctx: AppContext) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: base(ctx, 'Schemas'),
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'API token',
        description: 'An API token of the organization with the scim.provision permission, as a bearer token',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: base(ctx, 'ServiceProviderConfig') },
  };
}

/** GET /ResourceTypes. */
export function resourceTypes(ctx: AppContext) {
  const types = [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A member of the organization, with its managed account',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: base(ctx, 'ResourceTypes/User') },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A user group of the organization',
      schema: GROUP_SCHEMA,
      meta: { resourceType: 'ResourceType', location: base(ctx, 'ResourceTypes/Group') },
    },
  ];
  return types;
}

type Attribute = {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'dateTime' | 'reference';
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'immutable';
  uniqueness?: 'none' | 'server';
  subAttributes?: Attribute[];
  description: string;
};

const full = (attribute: Attribute): Record<string, unknown> => ({
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...attribute,
  ...(attribute.subAttributes ? { subAttributes: attribute.subAttributes.map(full) } : {}),
});

const valueList = (description: string, types: string[]): Attribute[] => [
  { name: 'value', type: 'string', description },
  { name: 'type', type: 'string', description: `One of: ${types.join(', ')}` },
  { name: 'primary', type: 'boolean', description: 'Roster keeps one value: the primary one' },
];

const SCHEMAS = [
  {
    id: USER_SCHEMA,
    name: 'User',
    description: 'A member; its account is managed by the organization',
    attributes: [
      {
        name: 'userName',
        type: 'string',
        required: true,
        uniqueness: 'server',
        mutability: 'immutable',
        description:
          "The account's sign-in name: <name>@<the organization's domain>, unique in the installation",
      },
      {
        name: 'name',
        type: 'complex',
        description: 'The member’s name: formatted, or family and given name (no space between Chinese ones)',
        subAttributes: [
          { name: 'formatted', type: 'string', description: 'The name as shown' },
          { name: 'familyName', type: 'string', description: 'Family name' },
          { name: 'givenName', type: 'string', description: 'Given name' },
        ],
      },
      { name: 'displayName', type: 'string', description: 'The name as shown (when no name is sent)' },
      { name: 'title', type: 'string', description: 'The position in the primary department' },
      { name: 'active', type: 'boolean', description: 'Active, or disabled' },
      {
        name: 'emails',
        type: 'complex',
        multiValued: true,
        description: 'The account’s email (one, work)',
        subAttributes: valueList('An email address', ['work']),
      },
      {
        name: 'phoneNumbers',
        type: 'complex',
        multiValued: true,
        description: 'The account’s mobile number, stored in E.164',
        subAttributes: valueList('A phone number', ['mobile', 'work']),
      },
    ],
  },
  {
    id: ENTERPRISE_SCHEMA,
    name: 'EnterpriseUser',
    description: 'Enterprise User',
    attributes: [
      { name: 'employeeNumber', type: 'string', description: 'The employee ID, unique in the organization' },
      {
        name: 'department',
        type: 'string',
        description: 'The primary department as a path of names below the root ("Engineering/Backend")',
      },
      {
        name: 'manager',
        type: 'complex',
        description: 'The manager’s id, kept as sent',
        subAttributes: [{ name: 'value', type: 'string', description: 'The manager’s SCIM id' }],
      },
    ],
  },
  {
    id: GROUP_SCHEMA,
    name: 'Group',
    description: 'A user group',
    attributes: [
      {
        name: 'displayName',
        type: 'string',
        required: true,
        description: 'The group’s name, unique in the organization',
      },
      {
        name: 'members',
        type: 'complex',
        multiValued: true,
        description: 'The users in the group',
        subAttributes: [
          { name: 'value', type: 'string', mutability: 'immutable', description: 'A User’s id' },
          { name: 'display', type: 'string', mutability: 'readOnly', description: 'The user’s name' },
        ],
      },
    ],
  },
] as const;

/** GET /Schemas: the attributes Roster keeps (common ones — id, externalId, meta — per RFC 7643 §3.1). */
export function schemas(ctx: AppContext) {
  return SCHEMAS.map((schema) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    ...schema,
    attributes: schema.attributes.map((attribute) => full(attribute as Attribute)),
    meta: { resourceType: 'Schema', location: base(ctx, `Schemas/${schema.id}`) },
  }));
}

/** A list response of the discovery endpoints. */
export const listOf = (resources: readonly unknown[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

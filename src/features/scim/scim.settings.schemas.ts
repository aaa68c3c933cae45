import { type Static, Type } from 'typebox';
import { Body } from '../../http/schemas.js';

/** How the org's identity provider provisions: the two choices and what an admin needs to connect one. */
export const ScimSettingsView = Type.Object({
  createDepartments: Type.Boolean({
    description: "A user's enterprise department path is created under the root when missing (off: refused)",
  }),
  sendPasswordLink: Type.Boolean({
    description:
      'A provisioned user is sent the link to choose a password (off: the identity provider signs them in)',
  }),
  baseUrl: Type.String({
    description: "The SCIM 2.0 base URL to give the identity provider (PUBLIC_URL + '/scim/v2')",
  }),
  provisioningTokens: Type.Integer({
    minimum: 0,
    description: 'How many live API tokens hold scim.provision (none: create one to connect a provider)',
  }),
});
export type ScimSettingsView = Static<typeof ScimSettingsView>;

export const ScimSettingsBody = Body({
  createDepartments: Type.Boolean(),
  sendPasswordLink: Type.Boolean(),
});
export type ScimSettingsBody = Static<typeof ScimSettingsBody>;

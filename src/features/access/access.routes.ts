import { Type } from 'typebox';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { BUILT_IN_ROLES, PERMISSIONS, TOKEN_PRESETS } from './permissions.js';

export function accessRoutes(app: App): void {
  app.get(
    '/api/v1/permissions',
    {
      config: { access: { kind: 'session' } },
      schema: {
        tags: ['access'],
        summary: 'The permission catalogue, the built-in roles made of it, and the API token presets',
        response: {
          200: Type.Object({
            permissions: Type.Array(
              Type.Object({ key: Type.String(), en: Type.String(), zh: Type.String() }),
            ),
            roles: Type.Array(Type.Object({ key: Type.String(), permissions: Type.Array(Type.String()) })),
            tokenPresets: Type.Array(
              Type.Object({ key: Type.String(), permissions: Type.Array(Type.String()) }),
            ),
          }),
          ...errorResponses(401),
        },
      },
    },
    async () => ({
      permissions: Object.entries(PERMISSIONS).map(([key, label]) => ({ key, ...label })),
      roles: Object.entries(BUILT_IN_ROLES).map(([key, permissions]) => ({
        key,
        permissions: [...permissions],
      })),
      tokenPresets: Object.entries(TOKEN_PRESETS).map(([key, permissions]) => ({
        key,
        permissions: [...permissions],
      })),
    }),
  );
}

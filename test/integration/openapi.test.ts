import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import { apiRoutes, type JsonSchema, type RouteInfo } from '../support/routes.js';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema & { $ref?: string } }> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema & { title?: string }> };
}

const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/** The error statuses the access check and validation can answer with, before any handler runs. */
function statusesFromAccessAndSchema(route: RouteInfo): number[] {
  const statuses: number[] = [];
  const kind = route.access?.kind;
  // On org routes a bad :orgId is answered 404 by the access check; other parameters are validated.
  const validatedParams = route.pathParams.some((param) => kind !== 'org' || param !== 'orgId');
  if (route.body || route.querystring || validatedParams) statuses.push(400);
  if (kind !== 'public') statuses.push(401);
  if (kind === 'operator' || kind === 'org') statuses.push(403);
  if (kind === 'org') statuses.push(404);
  return statuses;
}

// The document is the same on both backends: PGlite only.
describe('OpenAPI document', () => {
  let h: Harness;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    h = await startHarness('pglite');
    const response = await h.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    doc = response.json();
  });
  afterAll(async () => h?.close());

  /** The ErrorResponse schema, whether the document inlines it or refers to its component. */
  function isErrorResponse(schema: (JsonSchema & { $ref?: string }) | undefined): boolean {
    const components = doc.components?.schemas ?? {};
    const resolved = schema?.$ref ? components[schema.$ref.replace('#/components/schemas/', '')] : schema;
    const declared = Object.values(components).find((component) => component.title === 'ErrorResponse');
    if (!resolved || !declared) return false;
    const { title: _title, ...shape } = declared;
    const { title: _resolvedTitle, ...resolvedShape } = resolved as typeof declared;
    return JSON.stringify(resolvedShape) === JSON.stringify(shape);
  }

  it('is an OpenAPI 3.1 document', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
  });

  it('lists every /api/v1 route of the app, and nothing else under /api/v1', () => {
    const routes = apiRoutes(h.app);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      expect.soft(doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()], route.name).toBeDefined();
    }
    const declared = new Set(routes.map((route) => `${route.method} ${openApiPath(route.url)}`));
    for (const [path, operations] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const method of Object.keys(operations)) {
        expect.soft(declared, `${method} ${path}`).toContain(`${method.toUpperCase()} ${path}`);
      }
    }
  });

  it('gives each route a schema for its success status and the ErrorResponse for each error status', () => {
    for (const route of apiRoutes(h.app)) {
      const responses = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()]?.responses ?? {};
      const declared = Object.keys(route.response).map(Number);
      const success = declared.filter((status) => status >= 200 && status < 300);
      // One success status; a download that may run as a task instead answers 200 (the file) or 202 (the task).
      const oneOrDeferred = success.length === 1 || success.join() === '200,202';
      expect.soft(oneOrDeferred, `${route.name} declares its success status: ${success}`).toBe(true);
      for (const status of success) {
        expect.soft(responses[status], `${route.name} ${status}`).toBeDefined();
        if (status !== 204) {
          // A download declares its bytes under its file types; every other success answers JSON.
          const content = responses[status]?.content ?? {};
          const file = Object.values(content).find((type) => type.schema?.format === 'binary');
          expect
            .soft(content['application/json']?.schema ?? file?.schema, `${route.name} ${status}`)
            .toBeDefined();
        }
      }
      for (const status of statusesFromAccessAndSchema(route)) {
        expect.soft(declared, `${route.name} can answer ${status}: declare it`).toContain(status);
      }
      // Every route reads the database, and answers 503 while it is unreachable (added app-wide).
      expect
        .soft(isErrorResponse(responses[503]?.content?.['application/json']?.schema), `${route.name} 503`)
        .toBe(true);
      for (const status of declared.filter((s) => s >= 400)) {
        const schema = responses[status]?.content?.['application/json']?.schema;
        expect.soft(isErrorResponse(schema), `${route.name} ${status} is the ErrorResponse`).toBe(true);
      }
    }
  });

  it('serves the interactive docs at /api/docs/', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
  });
});

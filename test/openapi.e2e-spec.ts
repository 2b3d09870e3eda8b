import { IMPLICIT_METHODS, isPageRoute } from './support/routes.js';
import { useTestApp } from './support/test-app.js';

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
}

interface NumericWalkDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; description?: string; schema?: SchemaNode }[];
        requestBody?: { content?: Record<string, { schema?: SchemaNode }> };
        responses?: Record<string, { content?: Record<string, { schema?: SchemaNode }> }>;
      }
    >
  >;
  components: { schemas: Record<string, SchemaNode & { properties?: Record<string, SchemaNode> }> };
}

// A number's description must name its unit: a physical one (s or seconds, days, ms, J, $, W, MB, MB/s), a count
// (tasks, samples, …), a fraction 0-1, or say that it is a plain number (an id, index, version, …).
const PHYSICAL_UNIT = /(^|[\s(,;:])(s|ms|J|W|MB|MB\/s|\$\/s|\$)(?=$|[\s),;.:])/;
const COUNT_OR_PLAIN = /\b(seconds|days|tasks|samples|items|strategies|GPUs|fraction,? 0[-–]1|work units|unitless|dimensionless|id|index|version|models|rank|seed)\b/i;
const namesUnit = (description: string): boolean => PHYSICAL_UNIT.test(description) || COUNT_OR_PLAIN.test(description);

const isNumeric = (node: SchemaNode): boolean => [node.type].flat().some((t) => t === 'number' || t === 'integer');

/** Every numeric property (at any depth) and numeric parameter without a description naming its unit. */
function undocumentedNumbers(doc: NumericWalkDocument): string[] {
  const missing: string[] = [];
  const check = (where: string, node: SchemaNode, description = node.description): void => {
    if (isNumeric(node) || (node.type === 'array' && node.items && isNumeric(node.items))) {
      if (!description) missing.push(`${where}: no description`);
      else if (!namesUnit(description)) missing.push(`${where}: no unit in "${description}"`);
    }
    for (const [name, child] of Object.entries(node.properties ?? {})) check(`${where}.${name}`, child);
    if (typeof node.additionalProperties === 'object') check(`${where}[key]`, node.additionalProperties, node.additionalProperties.description ?? description);
    for (const part of [...(node.allOf ?? []), ...(node.oneOf ?? []), ...(node.anyOf ?? [])]) check(where, part, part.description ?? description);
  };
  for (const [name, schema] of Object.entries(doc.components.schemas)) check(name, schema);
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      for (const p of operation.parameters ?? []) if (p.schema) check(`${method.toUpperCase()} ${path} ${p.in} ${p.name}`, p.schema, p.description ?? p.schema.description);
      // Schemas written inline on a route rather than as a DTO.
      const where = `${method.toUpperCase()} ${path}`;
      for (const [type, { schema }] of Object.entries(operation.requestBody?.content ?? {})) if (schema) check(`${where} body ${type}`, schema);
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        for (const [type, { schema }] of Object.entries(response.content ?? {})) if (schema) check(`${where} ${status} ${type}`, schema);
      }
    }
  }
  return missing;
}

describe('OpenAPI', () => {
  const sut = useTestApp('openapi', {}, { routes: true });

  it('documents every route the app registered, at /docs-json', async () => {
    const res = await fetch(`${sut.url}/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDocument;
    const routes = sut.routes.filter((r) => !IMPLICIT_METHODS.has(r.method) && !isPageRoute(r.url));
    expect(routes.length).toBeGreaterThan(10);
    const undocumented = routes
      .map((r) => ({ method: r.method.toLowerCase(), path: r.url.replace(/:(\w+)/g, '{$1}') }))
      .filter((r) => !doc.paths[r.path]?.[r.method])
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(undocumented).toEqual([]);
    for (const path of ['/health', '/ready', '/api/metrics/leaderboard', '/api/results/comparative', '/api/training/model']) {
      expect(doc.paths[path]).toBeDefined();
    }
  });

  it('documents the error shape on the read routes (GET under tasks, results, metrics, training)', async () => {
    const doc = (await (await fetch(`${sut.url}/docs-json`)).json()) as OpenApiDocument;
    expect(Object.keys(doc.components.schemas.ErrorResponse.properties ?? {}).sort()).toEqual(['error', 'message', 'requestId', 'statusCode']);
    for (const [path, methods] of Object.entries(doc.paths).filter(([p]) => /^\/api\/(tasks|results|metrics|training)/.test(p))) {
      for (const [method, operation] of Object.entries(methods).filter(([m]) => m === 'get')) {
        const bad = operation.responses['400']?.content?.['application/json']?.schema?.$ref;
        expect({ route: `${method} ${path}`, bad }).toEqual({ route: `${method} ${path}`, bad: '#/components/schemas/ErrorResponse' });
      }
    }
    expect(doc.paths['/api/metrics/leaderboard'].get.responses['404']).toBeDefined();
  });

  it('describes every numeric field and parameter, with its unit', async () => {
    const doc = (await (await fetch(`${sut.url}/docs-json`)).json()) as NumericWalkDocument;
    expect(undocumentedNumbers(doc)).toEqual([]);
  });

  it('names the oracle\'s objective and the regret\'s measure on the leaderboard', async () => {
    const doc = (await (await fetch(`${sut.url}/docs-json`)).json()) as NumericWalkDocument;
    const entry = doc.components.schemas.LeaderboardEntry.properties ?? {};
    expect(entry.meanRegret.description).toMatch(/exec time/i);
    expect(entry.wins.description).toMatch(/completion time/i);
    expect(entry.scheduler.description).toMatch(/oracle.*exec time.*not.*completion time/i);
  });

  it('serves the docs page', async () => {
    const res = await fetch(`${sut.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });
});

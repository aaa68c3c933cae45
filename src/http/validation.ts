import { _, Ajv, type KeywordCxt, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FastifySchemaCompiler } from 'fastify';
import { isStorableJson, isStorableTimestamp } from '../storable.js';

/** The keyword that carries the text rule; `withTextRule` puts it on every schema that admits a string. */
const TEXT_RULE = 'storableText';

/** RFC 3339's date-time as ajv-formats checks it (it lets through a leap second and year 0000). */
const rfc3339 = (fullFormats['date-time'] as { validate: (text: string) => boolean }).validate;

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
    ...options,
  });
  addFormats.default(ajv);
  // A date-time must also be an instant the database stores, or the query refuses it with a 500.
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (text: string) => rfc3339(text) && isStorableTimestamp(text),
  });
  ajv.addKeyword({
    keyword: TEXT_RULE,
    schemaType: 'boolean',
    error: { message: 'must not contain U+0000 or an unpaired surrogate' },
    code(cxt: KeywordCxt) {
      const isStorable = cxt.gen.scopeValue('func', { ref: isStorableJson });
      cxt.fail(_`!${isStorable}(${cxt.data})`);
    },
  });
  return ajv;
}

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keywords whose value is one subschema, a list of them, or a map of names to them. */
const ONE = [
  'items',
  'additionalItems',
  'additionalProperties',
  'propertyNames',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
];
const LIST = ['anyOf', 'oneOf', 'allOf', 'prefixItems', 'items'];
const MAP = ['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions'];
const STRUCTURE = new Set([...ONE, ...LIST, ...MAP, 'const', 'enum', '$ref', 'type']);

/** A schema node that takes a string, or any JSON value at all (an `Unknown`). */
function admitsText(node: Schema): boolean {
  const type = node.type;
  if (type === undefined) return !Object.keys(node).some((key) => STRUCTURE.has(key));
  return type === 'string' || (Array.isArray(type) && type.includes('string'));
}

/**
 * The text rule, added to a copy of a route's schema as it is compiled so no route can forget it:
 * every node that admits a string refuses one the database would not store, and an object that
 * admits keys it does not name refuses such keys.
 */
function withTextRule(node: Schema): Schema {
  const copy: Schema = { ...node };
  for (const key of ONE) {
    if (isSchema(copy[key])) copy[key] = withTextRule(copy[key]);
  }
  for (const key of LIST) {
    const list = copy[key];
    if (Array.isArray(list)) copy[key] = list.map((item) => (isSchema(item) ? withTextRule(item) : item));
  }
  for (const key of MAP) {
    const map = copy[key];
    if (isSchema(map)) {
      copy[key] = Object.fromEntries(
        Object.entries(map).map(([name, item]) => [name, isSchema(item) ? withTextRule(item) : item]),
      );
    }
  }
  if (admitsText(copy)) copy[TEXT_RULE] = true;
  const type = copy.type;
  const isObject = type === 'object' || (Array.isArray(type) && type.includes('object'));
  if (isObject && copy.additionalProperties !== false && !isSchema(copy.propertyNames)) {
    copy.propertyNames = { [TEXT_RULE]: true };
  }
  return copy;
}

// Bodies are JSON: a number where a string belongs is an error, not something to convert.
const bodyAjv = makeAjv({ coerceTypes: false });
// Paths and query strings are text: "50" is the integer 50 there.
const textAjv = makeAjv({ coerceTypes: 'array' });

/**
 * Compiles a route's schemas, with the text rule: strict for bodies, coercing for params, query
 * strings and headers.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  return ajv.compile(withTextRule(schema as Schema)) as ReturnType<FastifySchemaCompiler<object>>;
};

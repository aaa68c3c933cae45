import { _, Ajv, type KeywordCxt, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FastifySchemaCompiler } from 'fastify';
import { isStorableJson, isStorableTimestamp } from '../storable.js';
import { MAX_GRAPHEMES } from './schemas.js';

/** The keyword that carries the text rule; `withTextRule` puts it on every schema that admits a string. */
const TEXT_RULE = 'storableText';

/** RFC 3339's date-time as ajv-formats checks it (it lets through a leap second and year 0000). */
const rfc3339 = (fullFormats['date-time'] as { validate: (text: string) => boolean }).validate;

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    // Each error carries its schema, so a refusal can name the limit, the choices or the format.
    verbose: true,
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

/** An ajv error as Fastify hands it over; with `verbose`, it carries the schema that refused. */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  schema?: unknown;
  parentSchema?: unknown;
}

/** Keywords whose error stands for the errors of their subschemas, listed before it. */
const WRAPPERS = new Set(['anyOf', 'oneOf', 'propertyNames']);

interface ErrorNode {
  error: SchemaError;
  children: ErrorNode[];
}

/**
 * The errors as a tree. With `allErrors: false` ajv stops at the first failing keyword, so the list
 * is one failure: a plain keyword's, or a union's after those of each of its branches.
 */
function errorTree(errors: readonly SchemaError[]): ErrorNode | undefined {
  const stack: ErrorNode[] = [];
  for (const error of errors) {
    let start = stack.length;
    if (WRAPPERS.has(error.keyword)) {
      while (start > 0 && stack[start - 1]?.error.schemaPath.startsWith(`${error.schemaPath}/`)) start--;
    }
    stack.push({ error, children: stack.splice(start) });
  }
  return stack.at(-1);
}

/** The values a union of literals admits (null among them), or null when a branch is not a literal. */
function choicesOf(branches: unknown): unknown[] | null {
  if (!Array.isArray(branches)) return null;
  const choices: unknown[] = [];
  for (const branch of branches) {
    if (!isSchema(branch)) return null;
    if ('const' in branch) choices.push(branch.const);
    else if (Array.isArray(branch.enum)) choices.push(...branch.enum);
    else if (branch.type === 'null') choices.push(null);
    else {
      const nested = choicesOf(branch.anyOf);
      if (!nested) return null;
      choices.push(...nested);
    }
  }
  return choices;
}

const unescapePointer = (segment: string) => segment.replaceAll('~1', '/').replaceAll('~0', '~');

/** The dotted path of the refused value inside its part (`owner.name`, `departments.0.departmentId`). */
function fieldOf(error: SchemaError, part: string): string {
  const path = error.instancePath.split('/').slice(1).map(unescapePointer);
  const named = error.params.missingProperty ?? error.params.additionalProperty;
  if (typeof named === 'string') path.push(named);
  return path.length > 0 ? path.join('.') : part;
}

const typesOf = (type: unknown): string[] => String(type).split(',');

/** One refusal from one failed keyword: the field, the rule and what the rule asks for. */
function refusalOfNode(node: ErrorNode, part: string): Record<string, unknown> {
  const { error } = node;
  const field = fieldOf(error, part);
  const refusal = (rule: string, params: Record<string, unknown> = {}) => ({
    field,
    rule,
    in: part,
    ...params,
  });
  if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
    const choices = choicesOf(error.schema);
    if (choices) return refusal('enum', { allowed: choices });
    const branches = node.children.map((child) => refusalOfNode(child, part));
    // The value has a branch's type but breaks one of its rules: that rule is the one to name.
    const deeper = branches.find((branch) => branch.rule !== 'type' || branch.field !== field);
    if (deeper) return deeper;
    return refusal('type', { expected: [...new Set(branches.flatMap((branch) => branch.expected))] });
  }
  if (error.keyword === 'propertyNames') {
    const [key] = node.children;
    return key ? { ...refusalOfNode(key, part), field } : refusal('propertyNames');
  }
  const { params } = error;
  switch (error.keyword) {
    case 'const':
      return refusal('enum', { allowed: [params.allowedValue] });
    case 'enum':
      return refusal('enum', { allowed: params.allowedValues });
    case 'type':
      return refusal('type', { expected: typesOf(params.type) });
    case 'format':
      return refusal('format', { format: params.format });
    case 'pattern':
      return refusal('pattern', { pattern: params.pattern });
    case 'maxLength':
    case 'minLength': {
      // A name counted as a person counts it names that limit, not the schema's bound on code points.
      const graphemes = isSchema(error.parentSchema) ? error.parentSchema[MAX_GRAPHEMES] : undefined;
      if (typeof graphemes !== 'number') return refusal(error.keyword, { limit: params.limit });
      const limit = error.keyword === 'maxLength' ? graphemes : params.limit;
      return refusal(error.keyword, { limit, counting: 'graphemes' });
    }
    default:
      return refusal(error.keyword, 'limit' in params ? { limit: params.limit } : {});
  }
}

/**
 * The details of the one `request.invalid` a schema refusal answers: `{ field, rule, in, … }` with
 * the rule's limit, choices, format or expected types — one refusal however many branches a union has.
 */
export function refusalOf(errors: readonly SchemaError[], part: string): Record<string, unknown> {
  const tree = errorTree(errors);
  return tree ? refusalOfNode(tree, part) : { field: part, rule: 'invalid', in: part };
}

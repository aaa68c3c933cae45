import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
    ...options,
  });
  addFormats.default(ajv);
  return ajv;
}

// Bodies are JSON: a number where a string belongs is an error, not something to convert.
const bodyAjv = makeAjv({ coerceTypes: false });
// Paths and query strings are text: "50" is the integer 50 there.
const textAjv = makeAjv({ coerceTypes: 'array' });

/** Compiles a route's schemas: strict for bodies, coercing for params, query strings and headers. */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  return ajv.compile(schema) as ReturnType<FastifySchemaCompiler<object>>;
};

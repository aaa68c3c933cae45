import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { filterSql, keyCondition, keyLookup, parseFilter } from './scim.filter.js';
import { USER_FILTER_ATTRIBUTES } from './scim.queries.js';
import { USER_SCHEMA } from './scim.users.map.js';

const db = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** A filter's SQL text and parameters. */
const compile = (filter: string) => {
  const { sql, parameters } = filterSql(parseFilter(filter), USER_FILTER_ATTRIBUTES, USER_SCHEMA).compile(db);
  return { sql: sql.replace(/\s+/g, ' '), parameters };
};

const refusal = (filter: string) => {
  try {
    compile(filter);
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
  return 'accepted';
};

describe('SCIM filter to SQL', () => {
  it('compares userName lower-cased against the stored lower-case column, so its index serves', () => {
    expect(compile('userName eq "Alice@Acme.Example"')).toEqual({
      sql: 'a.username = $1',
      parameters: ['alice@acme.example'],
    });
    // The attribute name is case-insensitive and may carry the core schema's URN.
    expect(compile(`${USER_SCHEMA}:USERNAME eq "B"`).parameters).toEqual(['b']);
  });

  it('keeps externalId case-exact and lower-cases both sides of a case-insensitive attribute', () => {
    expect(compile('externalId eq "AbC"')).toEqual({ sql: 's.external_id = $1', parameters: ['AbC'] });
    expect(compile('displayName eq "Zhang SAN"')).toEqual({
      sql: 'lower(a.name) = $1',
      parameters: ['zhang san'],
    });
  });

  it('compares an id as a UUID, so its key finds the row; a value that is no UUID matches nothing', () => {
    const id = '0B9F6E1C-54A1-4C3E-9A43-1D2E3F405060';
    expect(compile(`id eq "${id}"`)).toEqual({ sql: 'm.id = $1::uuid', parameters: [id] });
    expect(compile(`id ne "${id}"`).sql).toBe('not (m.id = $1::uuid)');
    expect(compile('id eq "alice"')).toEqual({ sql: 'false', parameters: [] });
    expect(compile('id ne "alice"')).toEqual({ sql: 'not (false)', parameters: [] });
    // Other operators compare its text, case-insensitively.
    expect(compile('id sw "0B9F"')).toEqual({ sql: 'lower(m.id::text) like $1', parameters: ['0b9f%'] });
  });

  it('knows a lookup by a key attribute (built once, prepared) from every other filter, with the same SQL', () => {
    const lookup = (filter: string) => keyLookup(parseFilter(filter), USER_FILTER_ATTRIBUTES, USER_SCHEMA);
    const value = (filter: string) => lookup(filter)?.value;
    expect(value('userName eq "A@B.c"')).toBe('a@b.c');
    expect(value(`${USER_SCHEMA}:userName eq "a@b.c"`)).toBe('a@b.c');
    expect(value('externalId eq "X-1"')).toBe('X-1');
    const id = '0B9F6E1C-54A1-4C3E-9A43-1D2E3F405060';
    expect(value(`id eq "${id}"`)).toBe(id);
    for (const other of [
      'id eq "x"',
      'userName co "a"',
      'userName ne "a"',
      'displayName eq "a"',
      'userName eq "a" and active eq true',
      'emails[value eq "a@b.c"]',
    ]) {
      expect(lookup(other), other).toBeUndefined();
    }
    // A lookup's condition is the one the filter translates to.
    for (const filter of ['userName eq "A@B.c"', 'externalId eq "X-1"', `id eq "${id}"`]) {
      const found = lookup(filter);
      expect(found && keyCondition(found).compile(db).sql).toBe(compile(filter).sql);
    }
  });

  it('escapes like wildcards in co, sw and ew', () => {
    expect(compile('userName co "50%_a"')).toEqual({
      sql: 'a.username like $1',
      parameters: ['%50\\%\\_a%'],
    });
    expect(compile('userName sw "ab"').parameters).toEqual(['ab%']);
    expect(compile('userName ew "ab"').parameters).toEqual(['%ab']);
  });

  it('lets ne and not match a missing value, and pr require a non-empty one', () => {
    expect(compile('title ne "x"').sql).toBe('(pd.position is null or lower(pd.position) <> $1)');
    expect(compile('title pr').sql).toBe("(pd.position is not null and pd.position::text <> '')");
    expect(compile('not (title pr)').sql).toBe(
      "not coalesce(((pd.position is not null and pd.position::text <> '')), false)",
    );
  });

  it('nests and/or and turns value paths into their sub-attributes', () => {
    expect(compile('emails[type eq "work" and value co "x"] or active eq false')).toEqual({
      sql: "((lower(case when a.email is null then null else 'work' end) = $1) and (a.email like $2)) or ((m.status = 'active') = $3)",
      parameters: ['work', '%x%', false],
    });
    expect(compile('emails[type eq "work"].value eq "A@B.C"').parameters).toEqual(['work', 'a@b.c']);
  });

  it('compares dates as timestamps and the enterprise extension by its URN', () => {
    expect(compile('meta.lastModified gt "2024-01-02T03:04:05Z"')).toEqual({
      sql: 'm.updated_at > $1::timestamptz',
      parameters: ['2024-01-02T03:04:05.000Z'],
    });
    expect(
      compile('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "E1"').sql,
    ).toBe('lower(m.employee_id) = $1');
  });

  it('answers invalidFilter for what it cannot translate', () => {
    expect(refusal('userName eq')).toBe('scim.invalid_filter');
    expect(refusal('nickName eq "x"')).toBe('scim.invalid_filter');
    expect(refusal('active co "t"')).toBe('scim.invalid_filter');
    expect(refusal('meta.created gt "yesterday"')).toBe('scim.invalid_filter');
    expect(refusal('meta.created co "2024"')).toBe('scim.invalid_filter');
    expect(refusal('userName eq 5')).toBe('scim.invalid_filter');
  });
});

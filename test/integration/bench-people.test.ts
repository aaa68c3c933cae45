import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { generatePerson } from '../../bench/people.js';
import { Random } from '../../bench/random.js';
import {
  normalizeAccountName,
  normalizeName,
  normalizeUsername,
} from '../../src/features/accounts/identifiers.js';

// The bench's members must be ones the product would accept: the update import re-reads the org's own
// export with the product's rules, and a generated row the rules refuse (pinyin's ü in an address, an
// English name over 20 characters) made 233 of its 98,031 rows fail.
describe('the bench generator', () => {
  it('draws names, account names and addresses the product accepts', () => {
    const ajv = new Ajv();
    addFormats.default(ajv);
    const isEmail = ajv.compile({ type: 'string', format: 'email' });
    const random = new Random('bench people test');
    const ctx = { domain: 'acme.example', primaryOf: () => 'd', anyDepartment: () => 'd' };
    const refused: string[] = [];
    for (let index = 0; index < 30_000; index++) {
      const person = generatePerson(random, index, ctx);
      if (!normalizeName(person.name)) refused.push(`name ${person.name}`);
      const accountOk =
        person.kind === 'managed'
          ? normalizeAccountName(person.username.split('@')[0] ?? '')
          : normalizeUsername(person.username);
      if (!accountOk) refused.push(`username ${person.username}`);
      if (person.email !== null && !isEmail(person.email)) refused.push(`email ${person.email}`);
    }
    expect(refused.slice(0, 5)).toEqual([]);
  });
});

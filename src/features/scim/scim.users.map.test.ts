import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { normalizeOperations, PATCH_SCHEMA } from './scim.patch.js';
import {
  composeName,
  departmentNames,
  ENTERPRISE_SCHEMA,
  scimBoolean,
  toScimUser,
  userAttributes,
  versionOfEtag,
} from './scim.users.map.js';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
  return 'accepted';
};

describe('SCIM user attributes', () => {
  it('writes family and given name without a space when either is Chinese, else given first', () => {
    expect(composeName({ familyName: '张', givenName: '三' })).toBe('张三');
    expect(composeName({ familyName: '王', givenName: 'Lei' })).toBe('王Lei');
    expect(composeName({ familyName: 'Nia', givenName: 'Sandy', formatted: 'ignored' })).toBe('Sandy Nia');
    expect(composeName({ formatted: ' Ann Lee ', displayName: 'x' })).toBe('Ann Lee');
    expect(composeName({ displayName: 'Dee' })).toBe('Dee');
    expect(composeName({})).toBeUndefined();
  });

  it('reads booleans as Entra sends them and refuses anything else', () => {
    expect(scimBoolean('False', 'active')).toBe(false);
    expect(scimBoolean('TRUE', 'active')).toBe(true);
    expect(scimBoolean(false, 'active')).toBe(false);
    expect(codeOf(() => scimBoolean('no', 'active'))).toBe('scim.invalid_value');
  });

  it('keeps the primary email, the mobile number first, and the enterprise fields', () => {
    const attributes = userAttributes({
      userName: 'a@x.example',
      emails: [
        { value: 'home@x.example', type: 'home' },
        { value: 'work@x.example', type: 'work', primary: 'True' },
      ],
      phoneNumbers: [
        { value: '+1 555 0100', type: 'work' },
        { value: '+86 138 0013 8000', type: 'mobile' },
      ],
      active: 'False',
      [ENTERPRISE_SCHEMA]: { employeeNumber: ' 7 ', department: 'R&D/Lab', manager: { value: 'm-1' } },
    });
    expect(attributes).toMatchObject({
      email: 'work@x.example',
      phone: '+86 138 0013 8000',
      active: false,
      employeeNumber: '7',
      department: 'R&D/Lab',
      managerId: 'm-1',
      // No name at all: the part of userName before '@'.
      name: 'a',
    });
    expect(userAttributes({ userName: 'b@x', [ENTERPRISE_SCHEMA]: { manager: 'm-2' } }).managerId).toBe(
      'm-2',
    );
    expect(codeOf(() => userAttributes({}))).toBe('scim.invalid_value');
    expect(codeOf(() => userAttributes({ userName: 'a@x', emails: 'a@x' }))).toBe('scim.invalid_value');
  });

  it('shows a member as a User and reads it back to the same attributes', () => {
    const row = {
      id: '0b5a3d4e-0000-4000-8000-000000000001',
      username: 'li@acme.example',
      name: '李雷',
      email: 'li@mail.example',
      phone: '+8613800138000',
      status: 'disabled',
      version: 7,
      createdAt: new Date('2024-01-01T00:00:00Z'),
      updatedAt: new Date('2024-02-01T00:00:00Z'),
      employeeId: 'E7',
      externalId: 'ext-7',
      givenName: '雷',
      familyName: '李',
      managerId: 'boss',
      title: 'Lead',
      department: 'Eng/Backend',
    };
    const user = toScimUser(row, 'https://roster.example/scim/v2/Users/x');
    expect(user).toMatchObject({
      active: false,
      displayName: '李雷',
      meta: { version: 'W/"7"', location: 'https://roster.example/scim/v2/Users/x' },
      [ENTERPRISE_SCHEMA]: { employeeNumber: 'E7', department: 'Eng/Backend', manager: { value: 'boss' } },
    });
    expect(userAttributes(user)).toEqual({
      userName: 'li@acme.example',
      externalId: 'ext-7',
      name: '李雷',
      givenName: '雷',
      familyName: '李',
      active: false,
      email: 'li@mail.example',
      phone: '+8613800138000',
      title: 'Lead',
      employeeNumber: 'E7',
      department: 'Eng/Backend',
      managerId: 'boss',
    });
  });

  it('reads If-Match versions and department paths', () => {
    expect(versionOfEtag('W/"12"')).toBe(12);
    expect(versionOfEtag('"3"')).toBe(3);
    expect(versionOfEtag('*')).toBeUndefined();
    expect(versionOfEtag(undefined)).toBeUndefined();
    expect(versionOfEtag('garbage')).toBe(0);
    expect(departmentNames(' Eng / Backend ')).toEqual(['Eng', 'Backend']);
    expect(departmentNames('Eng > Backend')).toEqual(['Eng', 'Backend']);
  });
});

describe('SCIM PATCH operations', () => {
  const body = (Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });

  it('lower-cases ops and splits path-less value objects at keys that are paths', () => {
    expect(
      normalizeOperations(
        body([
          {
            op: 'Replace',
            value: { active: false, 'name.givenName': 'A', [`${ENTERPRISE_SCHEMA}:department`]: 'D' },
          },
        ]),
      ),
    ).toEqual([
      { op: 'replace', path: 'name.givenName', value: 'A' },
      { op: 'replace', path: `${ENTERPRISE_SCHEMA}:department`, value: 'D' },
      { op: 'replace', value: { active: false } },
    ]);
  });

  it('turns a removal naming member values into value-path removals', () => {
    expect(
      normalizeOperations(body([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'a"b' }] }])),
    ).toEqual([{ op: 'remove', path: 'members[value eq "a\\"b"]' }]);
  });

  it('refuses a message that is no PatchOp', () => {
    expect(codeOf(() => normalizeOperations({ Operations: [] }))).toBe('scim.invalid_patch');
    expect(codeOf(() => normalizeOperations(body([])))).toBe('scim.invalid_patch');
    expect(codeOf(() => normalizeOperations(body([{ op: 'move', path: 'x' }])))).toBe('scim.invalid_patch');
    expect(codeOf(() => normalizeOperations(body([{ op: 'remove' }])))).toBe('scim.invalid_patch');
    expect(codeOf(() => normalizeOperations(body([{ op: 'add', value: 'x' }])))).toBe('scim.invalid_patch');
  });
});

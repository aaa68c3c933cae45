import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import type { AssignedDepartment } from './members.assign.js';
import { checkBatch, placeMember } from './members.batch.js';

const ROOT = '00000000-0000-4000-8000-000000000001';
const SALES = '00000000-0000-4000-8000-000000000002';
const SUPPORT = '00000000-0000-4000-8000-000000000003';

const current: AssignedDepartment[] = [
  { departmentId: ROOT, position: 'Clerk', isPrimary: true },
  { departmentId: SALES, position: 'Rep', isPrimary: false },
];

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return null;
};

describe('placeMember', () => {
  it('makes a department the member is in primary, keeping every department and position', () => {
    expect(placeMember(current, { kind: 'set_primary_department', departmentId: SALES })).toEqual([
      { departmentId: ROOT, position: 'Clerk', isPrimary: false },
      { departmentId: SALES, position: 'Rep', isPrimary: true },
    ]);
  });

  it('adds a new primary department in front, the old primary staying as a plain one', () => {
    const placed = placeMember(current, {
      kind: 'set_primary_department',
      departmentId: SUPPORT.toUpperCase(),
      position: 'Lead',
    });
    expect(placed[0]).toEqual({ departmentId: SUPPORT, position: 'Lead', isPrimary: true });
    expect(placed.slice(1).map((d) => [d.departmentId, d.isPrimary, d.position])).toEqual([
      [ROOT, false, 'Clerk'],
      [SALES, false, 'Rep'],
    ]);
  });

  it('adds a department beside the others, and leaves one the member is in as it is unless a position is given', () => {
    expect(placeMember(current, { kind: 'add_department', departmentId: SUPPORT })).toEqual([
      ...current,
      { departmentId: SUPPORT, position: null, isPrimary: false },
    ]);
    expect(placeMember(current, { kind: 'add_department', departmentId: SALES })).toEqual(current);
    expect(
      placeMember(current, { kind: 'add_department', departmentId: SALES, position: 'Lead' })[1],
    ).toEqual({
      departmentId: SALES,
      position: 'Lead',
      isPrimary: false,
    });
  });

  it('sets a position in the named department or the primary one, never where the member is not', () => {
    expect(
      placeMember(current, { kind: 'set_position', departmentId: SALES, position: 'Lead' })[1]?.position,
    ).toBe('Lead');
    expect(placeMember(current, { kind: 'set_position', position: null })[0]?.position).toBeNull();
    expect(
      codeOf(() => placeMember(current, { kind: 'set_position', departmentId: SUPPORT, position: 'x' })),
    ).toBe('member.batch_not_in_department');
  });

  it('refuses a 21st department', () => {
    const full = Array.from({ length: 20 }, (_, i) => ({
      departmentId: `00000000-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`,
      position: null,
      isPrimary: i === 0,
    }));
    expect(codeOf(() => placeMember(full, { kind: 'add_department', departmentId: SUPPORT }))).toBe(
      'member.batch_too_many_departments',
    );
    expect(
      codeOf(() =>
        placeMember(full, { kind: 'set_primary_department', departmentId: full[3]?.departmentId ?? '' }),
      ),
    ).toBeNull();
  });
});

describe('checkBatch', () => {
  const members = [
    { id: ROOT, version: 1 },
    { id: SALES, version: 2 },
  ];
  const none = { required: [], allowed: [] };

  it('refuses a member named twice, whatever the case of its id', () => {
    expect(
      codeOf(() => checkBatch('disable', [...members, { id: ROOT.toUpperCase(), version: 3 }], {}, none)),
    ).toBe('member.batch_duplicate');
    expect(codeOf(() => checkBatch('disable', members, {}, none))).toBeNull();
  });

  it('asks for the fields the action needs and refuses the ones it does not use', () => {
    const needs = { required: ['departmentId'], allowed: ['departmentId', 'position'] };
    expect(codeOf(() => checkBatch('add_department', members, { departmentId: undefined }, needs))).toBe(
      'member.batch_field_required',
    );
    expect(
      codeOf(() => checkBatch('add_department', members, { departmentId: SALES, workLocation: 'x' }, needs)),
    ).toBe('member.batch_field_unexpected');
    expect(
      codeOf(() => checkBatch('add_department', members, { departmentId: SALES, position: null }, needs)),
    ).toBeNull();
  });
});

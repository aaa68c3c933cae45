import { describe, expect, it } from 'vitest';
import { planDepartments, sameDepartments } from './members.assign.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('planDepartments', () => {
  it('makes the first department primary when none is marked, and trims positions', () => {
    expect(
      planDepartments([
        { departmentId: A, position: ' Dev ' },
        { departmentId: B, position: '  ' },
      ]),
    ).toEqual([
      { departmentId: A, position: 'Dev', isPrimary: true },
      { departmentId: B, position: null, isPrimary: false },
    ]);
  });

  it('puts the marked primary first', () => {
    const planned = planDepartments([
      { departmentId: A },
      { departmentId: B, isPrimary: true },
      { departmentId: C },
    ]);
    expect(planned.map((d) => [d.departmentId, d.isPrimary])).toEqual([
      [B, true],
      [A, false],
      [C, false],
    ]);
  });

  it('refuses no department, two primaries, and the same department twice (in any letter case)', () => {
    expect(codeOf(() => planDepartments([]))).toBe('member.departments_required');
    expect(
      codeOf(() =>
        planDepartments([
          { departmentId: A, isPrimary: true },
          { departmentId: B, isPrimary: true },
        ]),
      ),
    ).toBe('member.departments_required');
    expect(codeOf(() => planDepartments([{ departmentId: A }, { departmentId: A.toUpperCase() }]))).toBe(
      'member.department_duplicate',
    );
  });
});

describe('sameDepartments', () => {
  it('compares the set of assignments, not their order, but minds the primary and the positions', () => {
    const one = planDepartments([{ departmentId: A }, { departmentId: B, position: 'X' }]);
    const reordered = [...one].reverse();
    expect(sameDepartments(one, reordered)).toBe(true);
    expect(
      sameDepartments(one, planDepartments([{ departmentId: B, position: 'X' }, { departmentId: A }])),
    ).toBe(false);
    expect(
      sameDepartments(one, planDepartments([{ departmentId: A }, { departmentId: B, position: 'Y' }])),
    ).toBe(false);
  });
});

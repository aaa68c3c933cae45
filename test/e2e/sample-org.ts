import type { Page } from 'playwright-core';
import { apiAs, type TestServer } from './fixtures.js';

/** Departments under the root, each with its parent's name ('' for the root); some named in Chinese. */
const DEPARTMENTS: ReadonlyArray<readonly [name: string, parent: string]> = [
  ['Engineering', ''],
  ['Platform', 'Engineering'],
  ['研发中心', ''],
  ['前端组', '研发中心'],
  ['市场部', ''],
  ['Sales', ''],
];

/** Members as [name, account, department]: Chinese and English names, spread over the departments. */
const MEMBERS: ReadonlyArray<readonly [name: string, account: string, department: string]> = [
  ['张伟', 'zhangwei', '研发中心'],
  ['李娜', 'lina', '前端组'],
  ['王芳', 'wangfang', '前端组'],
  ['刘洋', 'liuyang', '研发中心'],
  ['陈静', 'chenjing', '市场部'],
  ['杨磊', 'yanglei', '市场部'],
  ['赵敏', 'zhaomin', 'Sales'],
  ['黄勇', 'huangyong', 'Sales'],
  ['周杰', 'zhoujie', '研发中心'],
  ['吴婷', 'wuting', '市场部'],
  ['Grace Hopper', 'grace', 'Engineering'],
  ['Alan Turing', 'alan', 'Platform'],
  ['Margaret Hamilton', 'margaret', 'Platform'],
  ['Linus Pauling', 'linus', 'Engineering'],
  ['Barbara Liskov', 'barbara', 'Engineering'],
  ['Edsger Dijkstra', 'edsger', 'Platform'],
  ['Katherine Johnson', 'katherine', 'Sales'],
  ['Donald Knuth', 'donald', 'Engineering'],
  ['Frances Allen', 'frances', 'Sales'],
  ['Ken Thompson', 'ken', 'Platform'],
];

/** A member of the sample organization, for flows that open one. */
export const SAMPLE_MEMBER = { name: '李娜', department: '前端组' } as const;

/**
 * Fills the organization the signed-in `page` is in with a few departments and twenty members, so pages
 * look as they do in use. Set up through the API: the flows that test adding them live elsewhere.
 */
export async function fillSampleOrg(page: Page, server: TestServer, orgId: string): Promise<void> {
  const path = `/orgs/${orgId}/departments`;
  const { items } = await apiAs<{ items: { id: string; isRoot: boolean }[] }>(page, server, 'GET', path);
  const root = items.find((department) => department.isRoot);
  if (!root) throw new Error('The organization has no root department');
  const ids = new Map<string, string>([['', root.id]]);
  for (const [name, parent] of DEPARTMENTS) {
    const parentId = ids.get(parent);
    if (!parentId) throw new Error(`No department "${parent}" before "${name}"`);
    const { department } = await apiAs<{ department: { id: string } }>(page, server, 'POST', path, {
      name,
      parentId,
    });
    ids.set(name, department.id);
  }
  for (const [index, [name, account, department]] of MEMBERS.entries()) {
    await apiAs(page, server, 'POST', `/orgs/${orgId}/members`, {
      name,
      accountName: account,
      email: `${account}@mail.example`,
      employeeId: `E-${String(index + 1).padStart(3, '0')}`,
      departments: [
        { departmentId: ids.get(department), isPrimary: true, position: index % 3 ? 'Engineer' : 'Lead' },
      ],
      roles: ['member'],
    });
  }
}

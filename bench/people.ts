import type { MemberStatus } from '../src/db/schema.js';
import { searchKeys } from '../src/features/directory/directory.search.js';
import { chineseName, englishName } from './names.js';
import type { Random } from './random.js';
import { Weighted } from './random.js';

/** One generated member with its account, departments and search keys. */
export interface Person {
  accountId: string;
  memberId: string;
  kind: 'managed' | 'personal';
  name: string;
  username: string;
  email: string | null;
  phone: string | null;
  lastSignInAt: string | null;
  status: MemberStatus;
  statusReason: string | null;
  joinedAt: string | null;
  employeeId: string | null;
  workLocation: string | null;
  orgEmail: string | null;
  directoryOrder: number;
  expiresAt: string | null;
  invitationAddress: string | null;
  sortName: string;
  searchText: string;
  searchPhone: string | null;
  grams: string[];
  departments: { id: string; isPrimary: boolean; position: string | null }[];
}

const STATUSES = new Weighted<MemberStatus>([
  ['active', 880],
  ['disabled', 50],
  ['invited', 35],
  ['removed', 20],
  ['pending', 10],
  ['invitation_expired', 5],
]);
const CITIES = ['北京', '上海', '深圳', '杭州', '广州', '成都', '武汉', '西安', 'Singapore', 'London'];
const POSITIONS = ['工程师', '高级工程师', '经理', '总监', 'Designer', 'Analyst', '专员', '主管', null, null];
const MAIL_DOMAINS = ['qq.com', '163.com', 'gmail.com', 'outlook.com', 'foxmail.com'];
/** 2025-01-01T00:00:00Z: generated dates are fixed, so two runs write the same rows. */
const EPOCH = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

function date(random: Random, fromDays: number, toDays: number): string {
  return new Date(EPOCH + random.int(fromDays, toDays) * DAY + random.int(0, DAY - 1)).toISOString();
}

/** A mainland mobile number in E.164, distinct for every index below 10^8. */
function phoneOf(index: number): string {
  const prefix = [130, 131, 135, 136, 138, 139, 150, 151, 158, 159, 177, 186, 188, 189][index % 14] as number;
  const rest = ((index * 7919 + 12_345_678) % 100_000_000).toString().padStart(8, '0');
  return `+86${prefix}${rest}`;
}

/** The directory order: almost everyone keeps the default; a few leaders are pinned to the top. */
function directoryOrderOf(random: Random): number {
  if (random.chance(0.96)) return 10000;
  return random.chance(0.3) ? random.int(1, 100) : random.int(101, 9999);
}

export interface PersonContext {
  domain: string;
  /** The primary department of the member at this index. */
  primaryOf: (index: number) => string;
  /** Any department, for a second membership. */
  anyDepartment: () => string;
}

/** The member at `index` (0 is the owner), drawn from the shared stream. */
export function generatePerson(random: Random, index: number, ctx: PersonContext): Person {
  const chinese = random.chance(0.7);
  const name = chinese ? chineseName(random) : englishName(random);
  const status: MemberStatus = index === 0 ? 'active' : STATUSES.draw(random);
  // Pinyin's ü is written v in addresses and account names (吕 → lv), as people do: ü is in neither.
  const latin = chinese
    ? searchKeys({ name, username: '', email: null, phone: null, employeeId: null })
        .sortName.replaceAll(' ', '')
        .replaceAll('ü', 'v')
    : name.toLowerCase().replace(' ', '.');
  const kind = random.chance(0.85) ? 'managed' : 'personal';
  const username = kind === 'managed' ? `${latin}${index}@${ctx.domain}` : `${latin}${index}`;
  const email = random.chance(0.7) ? `${latin}${index}@${random.pick(MAIL_DOMAINS)}` : null;
  const phone = random.chance(0.8) ? phoneOf(index) : null;
  const employeeId = random.chance(0.9) ? `E${String(index).padStart(7, '0')}` : null;
  const joined = status === 'active' || status === 'disabled' || status === 'removed';
  const keys = searchKeys({ name, username, email, phone, employeeId });
  const primary = ctx.primaryOf(index);
  const departments = [{ id: primary, isPrimary: true, position: random.pick(POSITIONS) }];
  if (random.chance(0.1)) {
    const second = ctx.anyDepartment();
    if (second !== primary) departments.push({ id: second, isPrimary: false, position: null });
  }
  return {
    accountId: random.uuid(),
    memberId: random.uuid(),
    kind,
    name,
    username,
    email,
    phone,
    lastSignInAt: status === 'active' && random.chance(0.8) ? date(random, 300, 400) : null,
    status,
    statusReason: status === 'disabled' && random.chance(0.2) ? 'expired' : null,
    joinedAt: joined ? date(random, -2000, 300) : null,
    employeeId,
    workLocation: random.chance(0.6) ? random.pick(CITIES) : null,
    orgEmail: kind === 'managed' && random.chance(0.5) ? `${latin}${index}@corp.${ctx.domain}` : null,
    directoryOrder: index === 0 ? 1 : directoryOrderOf(random),
    expiresAt: status === 'active' && random.chance(0.01) ? date(random, 500, 900) : null,
    invitationAddress: status === 'invited' || status === 'invitation_expired' ? (email ?? phone) : null,
    sortName: keys.sortName,
    searchText: keys.searchText,
    searchPhone: keys.phone,
    grams: keys.grams,
    departments,
  };
}

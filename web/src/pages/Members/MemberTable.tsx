import { Button, ConfigProvider, Flex, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { TFunction } from 'i18next';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { type ReactNode, type Ref, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberSummary } from '../../api-types';
import { useFormat } from '../../format';
import { MemberActions } from './MemberActions';
import { MemberCardPopover } from './MemberCardPopover';
import { MemberStatusTag } from './MemberStatusTag';
import type { MemberAction } from './member-rules';
import { type Option, roleNames } from './use-role-options';

/** The columns a viewer may show or hide; the rest (name, account, departments, status, actions) stay. */
export const OPTIONAL_COLUMNS = [
  'position',
  'roles',
  'phone',
  'employeeId',
  'workLocation',
  'order',
] as const;

export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];

/** Shown until the viewer chooses otherwise. */
export const DEFAULT_COLUMNS: readonly OptionalColumn[] = ['position', 'roles'];

/**
 * Compact rows: a 24 px avatar or tag and 4 px above and below, 33 px a row. A chosen row under the
 * pointer takes blue #d6ebff, not antd's #bae0ff: links (5.04:1) and grey text (4.70:1) stay above 4.5:1.
 */
const ROW_TOKENS = { cellPaddingBlockSM: 4, rowSelectedHoverBg: '#d6ebff' } as const;

/** Role tags shown before "+n": enough for the usual two or three without widening the column. */
const SHOWN_ROLES = 2;

/** The built-in roles first, the widest first: Admin is never the one hidden behind "+n". */
const ROLE_RANK: Record<string, number> = { owner: 0, admin: 1, member: 3 };

/**
 * A phone number for reading: national format for the installation's region (138 1234 5678), the
 * international one otherwise (+1 650 253 0000); as stored when it does not parse.
 */
export function readablePhone(phone: string, region: string): string {
  const parsed = parsePhoneNumberFromString(phone, region as CountryCode);
  if (!parsed) return phone;
  return parsed.country === region ? parsed.formatNational() : parsed.formatInternational();
}

function RoleTags({ roles, options, t }: { roles: readonly string[]; options: Option[]; t: TFunction }) {
  const ranked = [...roles].sort((a, b) => (ROLE_RANK[a] ?? 2) - (ROLE_RANK[b] ?? 2));
  const names = roleNames(ranked, options, t);
  const shown = names.slice(0, SHOWN_ROLES);
  const hidden = names.length - shown.length;
  return (
    <Flex gap={4} wrap={false} style={{ minWidth: 0, overflow: 'hidden' }}>
      {shown.map((name) => (
        <Tag key={name} style={{ marginInlineEnd: 0 }} bordered={false}>
          {name}
        </Tag>
      ))}
      {hidden > 0 ? (
        <Tooltip title={names.join(', ')}>
          <Tag
            style={{ marginInlineEnd: 0 }}
            bordered={false}
            tabIndex={0}
            aria-label={t('members.allRoles', { roles: names.join(', ') })}
          >
            +{hidden}
          </Tag>
        </Tooltip>
      ) : null}
    </Flex>
  );
}

const line = (value: ReactNode, tooltip?: string) => (
  <Typography.Text ellipsis={tooltip ? { tooltip } : true}>{value}</Typography.Text>
);

const none = <Typography.Text type="secondary">—</Typography.Text>;

/**
 * The member table: one page of compact one-line rows — name, account, departments, the optional
 * columns the viewer chose, status, last sign-in and actions. The header stays in view while the rows
 * scroll beneath it (`scrollY`, the height left for the rows).
 */
export function MemberTable({
  orgId,
  rows,
  loading,
  roles,
  columns: visible,
  phoneRegion,
  canManage,
  onAction,
  empty,
  scrollY,
  bodyRef,
  selection,
}: {
  orgId: string;
  rows: MemberSummary[];
  loading: boolean;
  roles: Option[];
  columns: readonly OptionalColumn[];
  phoneRegion: string | undefined;
  canManage: boolean;
  onAction: (action: MemberAction, member: MemberSummary) => void;
  empty: ReactNode;
  scrollY: number;
  bodyRef?: Ref<HTMLDivElement>;
  /**
   * The rows chosen for the bulk bar, by id; kept while the viewer pages through the same filter (the
   * rows of other pages stay chosen though not shown). Unset: no checkboxes.
   */
  selection?: { keys: string[]; onChange: (keys: string[], rows: MemberSummary[]) => void };
}) {
  const { t } = useTranslation();
  const format = useFormat();
  // antd copies the column titles into an aria-hidden row that sizes the scrolling body's columns: its
  // copy of "Select all" must not be reachable by keyboard (axe: aria-hidden-focus). Each render, as
  // the copy is made again with the selection.
  const sized = useRef<HTMLDivElement>(null);
  useEffect(() => {
    for (const input of sized.current?.querySelectorAll('.ant-table-measure-row input') ?? []) {
      input.setAttribute('tabindex', '-1');
    }
  });

  const optional: Record<OptionalColumn, ColumnsType<MemberSummary>[number]> = {
    position: {
      title: t('members.position'),
      key: 'position',
      width: 120,
      render: (_, member) => {
        const position = member.departments[0]?.position;
        return position ? line(position, position) : none;
      },
    },
    roles: {
      title: t('members.roles'),
      key: 'roles',
      width: 150,
      render: (_, member) => <RoleTags roles={member.roles} options={roles} t={t} />,
    },
    phone: {
      title: t('members.mobile'),
      key: 'phone',
      width: 150,
      render: (_, member) =>
        member.phone ? line(phoneRegion ? readablePhone(member.phone, phoneRegion) : member.phone) : none,
    },
    employeeId: {
      title: t('members.employeeId'),
      key: 'employeeId',
      width: 110,
      render: (_, member) => (member.employeeId ? line(member.employeeId, member.employeeId) : none),
    },
    workLocation: {
      title: t('members.workLocation'),
      key: 'workLocation',
      width: 130,
      render: (_, member) => (member.workLocation ? line(member.workLocation, member.workLocation) : none),
    },
    order: {
      title: t('members.directoryOrder'),
      key: 'order',
      width: 90,
      align: 'right',
      render: (_, member) => format.number(member.directoryOrder),
    },
  };

  const columns: ColumnsType<MemberSummary> = [
    {
      title: t('account.name'),
      key: 'name',
      width: 160,
      fixed: 'left',
      render: (_, member) => (
        <Flex align="center" gap={8} style={{ minWidth: 0 }}>
          <MemberCardPopover orgId={orgId} memberId={member.id} name={member.name} />
          <Button
            type="link"
            size="small"
            style={{ padding: 0, height: 'auto', minWidth: 0, justifyContent: 'flex-start' }}
            aria-label={t('members.detailsFor', { name: member.name })}
            onClick={() => onAction('details', member)}
          >
            <Typography.Text ellipsis style={{ color: 'inherit' }}>
              {member.name}
            </Typography.Text>
          </Button>
        </Flex>
      ),
    },
    {
      title: t('members.account'),
      key: 'username',
      width: 140,
      render: (_, member) =>
        member.username ? (
          line(member.username, member.username)
        ) : (
          // An invitation nobody accepted yet: no account, so no account name.
          <Typography.Text type="secondary" ellipsis>
            {t('members.notYetJoined')}
          </Typography.Text>
        ),
    },
    {
      title: t('members.departments'),
      key: 'departments',
      width: 180,
      render: (_, member) => {
        const names = member.departments.map((department) => department.name).join(', ');
        return names ? line(names, names) : none;
      },
    },
    ...OPTIONAL_COLUMNS.filter((key) => visible.includes(key)).map((key) => optional[key]),
    {
      title: t('members.statusLabel'),
      key: 'status',
      width: 104,
      render: (_, member) => <MemberStatusTag status={member.status} reason={member.statusReason} />,
    },
    {
      title: t('members.lastSignIn'),
      dataIndex: 'lastSignInAt',
      width: 150,
      render: (value: string | null) =>
        value ? (
          line(<time dateTime={value}>{format.dateTime(value)}</time>)
        ) : (
          <Typography.Text type="secondary">{t('profile.never')}</Typography.Text>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 110,
      fixed: 'right',
      render: (_, member) => <MemberActions member={member} canManage={canManage} onAction={onAction} />,
    },
  ];
  // The fixed columns' widths plus the chosen ones': narrower than that, the table scrolls sideways.
  const width =
    740 + (selection ? 36 : 0) + visible.reduce((sum, key) => sum + Number(optional[key].width ?? 0), 0);

  return (
    <div ref={bodyRef}>
      <div ref={sized}>
        <ConfigProvider theme={{ components: { Table: ROW_TOKENS } }}>
          <Table<MemberSummary>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={rows}
            loading={loading}
            pagination={false}
            scroll={{ x: width, y: scrollY }}
            locale={{ emptyText: empty }}
            rowSelection={
              selection
                ? {
                    selectedRowKeys: selection.keys,
                    preserveSelectedRowKeys: true,
                    fixed: 'left',
                    columnWidth: 36,
                    onChange: (keys, chosen) => selection.onChange(keys as string[], chosen),
                    getCheckboxProps: (member) => ({
                      'aria-label': t('invitations.selectRow', { name: member.name }),
                    }),
                  }
                : undefined
            }
          />
        </ConfigProvider>
      </div>
    </div>
  );
}

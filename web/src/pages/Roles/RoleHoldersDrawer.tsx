import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Drawer,
  Flex,
  Popconfirm,
  Select,
  Spin,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import { type Department, OUT_OF_SCOPE, type RoleHolder, type RoleView } from '../../api-types';
import { departmentReach, type PermissionScope } from '../../session';
import { ScopeInput } from '../Members/GrantsField';
import { scopeWords } from '../Members/grant-words';
import { useMemberSearch } from '../Members/use-member-search';
import { membersKey } from '../Members/use-members';
import { ChangeScopeModal } from './ChangeScopeModal';
import { rolesKey, rolesPath } from './use-roles';

/** The query key of who holds a role. */
function holdersKey(orgId: string, roleId: string) {
  return [...rolesKey(orgId), roleId, 'grants'] as const;
}

/** A refusal in words; one outside the granter's departments says so first. */
function refusal(error: unknown, outOfScope: string): string {
  if (error instanceof ApiError && error.code === OUT_OF_SCOPE) return `${outOfScope}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A custom role's holders (GET /roles/:roleId/grants), each with where the role applies; for those who
 * manage roles, Grant (a member found by search, with a scope), Change scope and Revoke. A scoped granter
 * grants over their own departments only.
 */
export function RoleHoldersDrawer({
  orgId,
  role,
  departments,
  grantScope,
  onClose,
}: {
  orgId: string;
  role: RoleView | null;
  departments: Department[];
  /** Where the viewer holds `roles.manage`: null shows the holders read-only. */
  grantScope: PermissionScope;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const roleId = role?.id ?? '';
  const path = `${rolesPath(orgId, 'roles', roleId)}/grants`;
  const canGrant = grantScope !== null;
  const reach = departmentReach(grantScope, departments);
  const [term, setTerm] = useState('');
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const [scope, setScope] = useState<string[] | null>(null);
  const [alert, setAlert] = useState<string | null>(null);
  const [changing, setChanging] = useState<RoleHolder | null>(null);

  // Each opening starts afresh; a scoped granter starts with departments to pick, not the whole org.
  useEffect(() => {
    if (!role) return;
    setTerm('');
    setChosen(null);
    setAlert(null);
    setScope(grantScope === 'org' ? null : []);
  }, [role, grantScope]);

  const holders = useQuery({
    queryKey: holdersKey(orgId, roleId),
    queryFn: ({ signal }) => api.get<{ items: RoleHolder[] }>(path, undefined, signal),
    enabled: role !== null,
  });
  const search = useMemberSearch(orgId, term, role !== null && canGrant, 'active');

  async function refresh() {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: rolesKey(orgId) }),
      // The member's details list their grants, and their version moved on.
      queryClient.invalidateQueries({ queryKey: membersKey(orgId) }),
    ]);
  }

  const put = useMutation({
    mutationFn: (input: { memberId: string; name: string; departmentIds: string[] | null; fresh: boolean }) =>
      api.put(`${path}/${encodeURIComponent(input.memberId)}`, { departmentIds: input.departmentIds }),
    onMutate: () => setAlert(null),
    onSuccess: async (_answer, input) => {
      await refresh();
      if (input.fresh) {
        setChosen(null);
        setTerm('');
        setScope(grantScope === 'org' ? null : []);
        void message.success(t('roles.granted', { name: input.name, role: role?.name ?? '' }));
      } else {
        setChanging(null);
        void message.success(t('roles.scopeSaved', { name: input.name }));
      }
    },
    onError: (error) => {
      setChanging(null);
      setAlert(refusal(error, t('grants.outOfScope')));
    },
  });

  const revoke = useMutation({
    mutationFn: (holder: RoleHolder) => api.del(`${path}/${encodeURIComponent(holder.memberId)}`),
    onMutate: () => setAlert(null),
    onSuccess: async (_answer, holder) => {
      await refresh();
      void message.success(t('roles.revoked', { name: holder.name, role: role?.name ?? '' }));
    },
    onError: (error) => setAlert(refusal(error, t('grants.outOfScope'))),
  });

  const columns: TableColumnsType<RoleHolder> = [
    { key: 'name', title: t('roles.holder'), dataIndex: 'name', width: 160 },
    {
      key: 'scope',
      title: t('roles.holderScope'),
      render: (_, holder) => scopeWords(holder.departments, t),
    },
  ];
  if (canGrant) {
    columns.push({
      key: 'actions',
      title: t('roles.actions'),
      width: 190,
      render: (_, holder) => (
        <Flex gap={4}>
          <Button
            type="link"
            size="small"
            aria-label={t('roles.changeScopeFor', { name: holder.name })}
            onClick={() => setChanging(holder)}
          >
            {t('roles.changeScope')}
          </Button>
          <Popconfirm
            title={t('roles.revokeTitle', { role: role?.name ?? '', name: holder.name })}
            description={t('roles.revokeContent')}
            okText={t('roles.revoke')}
            okButtonProps={{ danger: true }}
            cancelText={t('common.cancel')}
            onConfirm={() => revoke.mutateAsync(holder).catch(() => undefined)}
          >
            <Button type="link" size="small" danger aria-label={t('roles.revokeFor', { name: holder.name })}>
              {t('roles.revoke')}
            </Button>
          </Popconfirm>
        </Flex>
      ),
    });
  }

  const scopeMissing = Array.isArray(scope) && scope.length === 0;

  return (
    <Drawer
      open={role !== null}
      title={role ? t('roles.holdersTitle', { name: role.name }) : ''}
      size="large"
      onClose={onClose}
    >
      <Typography.Paragraph type="secondary">{t('roles.holdersHelp')}</Typography.Paragraph>
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      {canGrant && role ? (
        <Flex vertical gap={8} style={{ marginBottom: 16 }}>
          <Select
            aria-label={t('roles.grantMember')}
            placeholder={t('roles.grantMemberPlaceholder')}
            showSearch={{ filterOption: false, onSearch: setTerm, searchValue: term }}
            labelInValue
            value={chosen}
            onChange={(value) => setChosen(value as { value: string; label: string } | null)}
            loading={search.isFetching}
            notFoundContent={search.isFetching ? <Spin size="small" /> : t('roles.noMatch')}
            options={(search.data?.items ?? []).map((member) => ({
              value: member.id,
              label: member.username ? `${member.name} (${member.username})` : member.name,
            }))}
          />
          <Flex gap={8} align="flex-start">
            <div style={{ flex: 1, minWidth: 0 }}>
              <ScopeInput
                value={scope}
                onChange={setScope}
                departments={departments}
                roleName={role.name}
                orgWideAllowed={reach.whole}
                allowed={reach.whole ? undefined : reach.covers}
              />
            </div>
            <Button
              type="primary"
              disabled={!chosen || scopeMissing}
              loading={put.isPending && changing === null}
              onClick={() =>
                chosen &&
                put.mutate({
                  memberId: chosen.value,
                  name: chosen.label.replace(/ \(.*\)$/, ''),
                  departmentIds: scope,
                  fresh: true,
                })
              }
            >
              {t('roles.grant')}
            </Button>
          </Flex>
        </Flex>
      ) : null}
      <Table<RoleHolder>
        rowKey="memberId"
        size="small"
        columns={columns}
        dataSource={holders.data?.items ?? []}
        loading={holders.isPending || revoke.isPending}
        pagination={false}
        aria-label={role ? t('roles.holdersFor', { name: role.name }) : undefined}
        locale={{ emptyText: canGrant ? t('roles.noHolders') : t('roles.noHoldersReadOnly') }}
      />
      {holders.error ? (
        <Alert type="error" showIcon title={refusal(holders.error, t('grants.outOfScope'))} />
      ) : null}
      {role ? (
        <ChangeScopeModal
          holder={changing}
          role={role}
          departments={departments}
          reach={reach}
          pending={put.isPending}
          onSave={(holder, departmentIds) =>
            put.mutate({ memberId: holder.memberId, name: holder.name, departmentIds, fresh: false })
          }
          onClose={() => setChanging(null)}
        />
      ) : null}
    </Drawer>
  );
}

import { useMutation } from '@tanstack/react-query';
import { Alert, Modal, Select, Spin, Typography } from 'antd';
import { useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { Department } from '../../api-types';
import { useMemberSearch } from '../Members/use-member-search';
import { departmentsPath, useDepartmentsChanged } from './use-departments';

interface Choice {
  value: string;
  label: string;
}

/** Sets a department's heads: active members found by the directory search; none clears them. */
export function HeadsModal({
  orgId,
  department,
  onClose,
}: {
  orgId: string;
  department: Department | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const changed = useDepartmentsChanged(orgId);
  const [term, setTerm] = useState('');
  const [chosen, setChosen] = useState<Choice[]>([]);
  const [alert, setAlert] = useState<string | null>(null);
  const search = useMemberSearch(orgId, term, department !== null, 'active');

  useLayoutEffect(() => {
    if (!department) return;
    setAlert(null);
    setTerm('');
    setChosen(department.heads.map((head) => ({ value: head.memberId, label: head.name })));
  }, [department]);

  const save = useMutation({
    mutationFn: () =>
      api.put(`${departmentsPath(orgId, department?.id ?? '')}/heads`, {
        memberIds: chosen.map((choice) => choice.value),
      }),
    onMutate: () => setAlert(null),
    onSuccess: async () => {
      await changed();
      onClose();
    },
    onError: (error) => setAlert(error instanceof Error ? error.message : String(error)),
  });

  return (
    <Modal
      open={department !== null}
      title={t('departments.headsTitle', { name: department?.name ?? '' })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => save.mutate()}
      onCancel={onClose}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      <Typography.Paragraph type="secondary">{t('departments.headsHelp')}</Typography.Paragraph>
      <Select
        mode="multiple"
        aria-label={t('departments.heads')}
        placeholder={t('departments.headsPlaceholder')}
        style={{ width: '100%' }}
        showSearch={{ filterOption: false, onSearch: setTerm, searchValue: term }}
        labelInValue
        value={chosen}
        onChange={(values) => setChosen(values as Choice[])}
        loading={search.isFetching}
        notFoundContent={search.isFetching ? <Spin size="small" /> : t('departments.headsNoMatch')}
        options={(search.data?.items ?? []).map((member) => ({
          value: member.id,
          label: member.username ? `${member.name} (${member.username})` : member.name,
        }))}
      />
    </Modal>
  );
}

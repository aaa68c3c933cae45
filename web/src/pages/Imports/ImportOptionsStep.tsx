import { DownloadOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Flex, Form, type FormInstance, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { type Department, MEMBERS_MANAGE } from '../../api-types';
import { useDepartmentReach } from '../../session';
import { DepartmentSelect } from '../Members/DepartmentsInput';
import { saveDownload } from '../Tasks/download';
import type { ImportMode, ImportOptions } from './upload';

const MODES: readonly ImportMode[] = ['create', 'invite', 'update'];

/** The mode's template, with headers in the console's language, saved as a download. */
function TemplateLink({ orgId, mode }: { orgId: string; mode: ImportMode }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const name = await saveDownload(
        `/orgs/${encodeURIComponent(orgId)}/imports/template?mode=${mode}`,
        'member-import-template.csv',
      );
      void message.success(t('imports.templateDownloaded', { name }));
    } catch (error) {
      void message.error(error instanceof ApiError ? error.message : t('errors.network'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button type="link" icon={<DownloadOutlined />} loading={busy} onClick={() => void save()}>
      {t('imports.template')}
    </Button>
  );
}

/**
 * The import's first step: what to do with each row (create managed accounts with a mailed password or a
 * link to set one, invite, or update members from an edited export), the target department, whether to
 * create the departments the file names that do not exist, and the template.
 */
export function ImportOptionsStep({
  orgId,
  form,
  departments,
  initial,
}: {
  orgId: string;
  form: FormInstance<ImportOptions>;
  departments: Department[];
  initial: Partial<ImportOptions>;
}) {
  const { t } = useTranslation();
  const reach = useDepartmentReach(orgId, MEMBERS_MANAGE, departments);
  const mode = Form.useWatch('mode', form) ?? 'create';
  return (
    <Form form={form} name="import-options" layout="vertical" requiredMark={false} initialValues={initial}>
      <Form.Item name="mode" label={t('imports.mode')} extra={t(`imports.modeHelp.${mode}`)}>
        <Radio.Group
          vertical
          options={MODES.map((value) => ({ value, label: t(`imports.modes.${value}`) }))}
        />
      </Form.Item>
      {mode === 'create' ? (
        <Form.Item name="passwordDelivery" label={t('imports.passwordDelivery')}>
          <Radio.Group
            vertical
            options={[
              { value: 'password', label: t('imports.passwordDeliveries.password') },
              { value: 'link', label: t('imports.passwordDeliveries.link') },
            ]}
          />
        </Form.Item>
      ) : null}
      <Form.Item
        name="departmentId"
        label={t('imports.department')}
        extra={t('imports.departmentHelp')}
        rules={[{ required: true, message: t('imports.departmentRequired') }]}
      >
        <DepartmentSelect departments={departments} allowed={reach.whole ? undefined : reach.covers} />
      </Form.Item>
      <Form.Item name="createDepartments" valuePropName="checked">
        <Checkbox>{t('imports.createDepartments')}</Checkbox>
      </Form.Item>
      <Flex align="center" gap={4} wrap>
        <Typography.Text type="secondary">{t('imports.templateHelp')}</Typography.Text>
        <TemplateLink orgId={orgId} mode={mode} />
      </Flex>
    </Form>
  );
}

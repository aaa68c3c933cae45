import { Alert, Form, Modal, Radio, Result, Typography } from 'antd';
import { useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { MemberSummary, ResetPasswordResponse } from '../../api-types';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { useMemberForm } from './use-member-form';
import { membersPath } from './use-members';

interface ResetValues {
  mode: 'generate' | 'set' | 'link';
  password?: string;
}

/**
 * Resets a member's password: a generated temporary one (sent to them), one the admin types, or a reset
 * link (valid 24 hours). A personal account's password belongs to its person: only a link is offered.
 */
export function ResetPasswordModal({
  orgId,
  member,
  onClose,
}: {
  orgId: string;
  member: MemberSummary | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [result, setResult] = useState<ResetPasswordResponse | null>(null);
  const { form, alert, save, reset } = useMemberForm<ResetValues, ResetPasswordResponse>({
    orgId,
    errors: { fields: ['mode', 'password'], password: 'password' },
    send: (values) =>
      api.post<ResetPasswordResponse>(`${membersPath(orgId, member?.id)}/password`, {
        mode: values.mode,
        password: values.mode === 'set' ? values.password : undefined,
      }),
    // The dialog stays open on the outcome: the link to hand over, or where the password went.
    onSaved: setResult,
  });
  const mode = Form.useWatch('mode', form);
  const personal = member?.accountKind === 'personal';

  useLayoutEffect(() => {
    if (!member) return;
    setResult(null);
    reset({ mode: personal ? 'link' : 'generate' });
  }, [member, personal, reset]);

  const done = result !== null;
  const outcome = result
    ? result.link
      ? t('members.reset.linkReady')
      : result.sentTo
        ? t(`members.reset.sent.${result.sentTo}`, { name: member?.name ?? '' })
        : t('members.reset.set', { name: member?.name ?? '' })
    : '';

  return (
    <Modal
      open={member !== null}
      title={t('members.reset.title', { name: member?.name ?? '' })}
      okText={done ? t('members.close') : t('members.reset.submit')}
      cancelText={t('common.cancel')}
      cancelButtonProps={{ style: done ? { display: 'none' } : undefined }}
      confirmLoading={save.isPending}
      onOk={() => (done ? onClose() : form.submit())}
      onCancel={onClose}
    >
      {done ? (
        <Result status="success" title={outcome} style={{ padding: '16px 0' }}>
          {result.link ? (
            <>
              <Typography.Paragraph copyable={{ text: result.link }} code style={{ wordBreak: 'break-all' }}>
                {result.link}
              </Typography.Paragraph>
              <Typography.Text type="secondary">{t('members.reset.linkHelp')}</Typography.Text>
            </>
          ) : null}
        </Result>
      ) : (
        <>
          {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
          <Form
            form={form}
            name="reset-password"
            layout="vertical"
            onFinish={(values) => save.mutate(values)}
          >
            <Form.Item
              name="mode"
              label={t('members.reset.mode')}
              extra={personal ? t('members.reset.personalHelp') : undefined}
            >
              <Radio.Group
                options={[
                  { value: 'generate', label: t('members.reset.generate'), disabled: personal },
                  { value: 'set', label: t('members.reset.setMode'), disabled: personal },
                  { value: 'link', label: t('members.reset.link') },
                ]}
              />
            </Form.Item>
            {mode === 'set' ? <NewPasswordFields name="password" label={t('members.password')} /> : null}
            <Typography.Text type="secondary">
              {t(`members.reset.help.${mode ?? 'generate'}`)}
            </Typography.Text>
          </Form>
        </>
      )}
    </Modal>
  );
}

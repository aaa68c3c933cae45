import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Flex, Form, InputNumber, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, useApi } from '../../api';
import type { JoinField, JoinLinkView, JoinRulesBody, JoinRulesView } from '../../api-types';
import { CopyField } from '../Invitations/LinkModal';
import { orgPath } from '../Invitations/use-invitations';
import { joinFieldLabel } from '../Join/join-fields';

const FIELDS: JoinField[] = ['employeeId', 'position', 'workLocation'];

const rulesKey = (orgId: string) => ['orgs', orgId, 'join-rules'] as const;
const linkKey = (orgId: string) => ['orgs', orgId, 'join-link'] as const;

/** A labelled switch on one line, its help below: the settings' rows. */
export function SwitchRow({
  id,
  label,
  help,
  checked,
  disabled,
  onChange,
}: {
  id: string;
  label: string;
  help: string;
  checked: boolean;
  disabled: boolean;
  onChange: (on: boolean) => void;
}) {
  return (
    <Form.Item extra={help} style={{ marginBottom: 16 }}>
      <Flex align="center" gap={8}>
        <Switch id={id} checked={checked} disabled={disabled} onChange={onChange} />
        <label htmlFor={id}>{label}</label>
      </Flex>
    </Form.Item>
  );
}

/**
 * Settings' join rules and public invitation (seed 004): enrollment approval, required fields, reminders;
 * the public link on or off, shown with a copy button, replaced on demand, as a QR code to download, and
 * the org code. Each change is saved as it is made.
 */
export function JoinRulesCard({ orgId, editable }: { orgId: string; editable: boolean }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const rules = useQuery({
    queryKey: rulesKey(orgId),
    queryFn: ({ signal }) => api.get<JoinRulesView>(orgPath(orgId, 'join-rules'), undefined, signal),
    retry: (count, error) => !(error instanceof ApiError && error.status === 403) && count < 2,
  });
  const link = useQuery({
    queryKey: linkKey(orgId),
    queryFn: ({ signal }) => api.get<JoinLinkView>(orgPath(orgId, 'join-link'), undefined, signal),
    enabled: rules.isSuccess && editable,
  });
  const [maxOpen, setMaxOpen] = useState<number | null>(null);
  useEffect(() => {
    if (rules.data) setMaxOpen(rules.data.maxOpenRequests);
  }, [rules.data]);
  // Linked to from the invite dialog (settings#join-rules): in view once it is there.
  const loaded = rules.data !== undefined;
  useEffect(() => {
    if (loaded && window.location.hash === '#join-rules')
      document.getElementById('join-rules')?.scrollIntoView({ block: 'start' });
  }, [loaded]);

  const save = useMutation({
    mutationFn: (body: JoinRulesBody) => api.patch<JoinRulesView>(orgPath(orgId, 'join-rules'), body),
    onSuccess: (data) => {
      queryClient.setQueryData(rulesKey(orgId), data);
      void queryClient.invalidateQueries({ queryKey: linkKey(orgId) });
      void message.success(t('joinRules.saved'));
    },
    onError: (error) => void message.error(error.message),
  });
  const rotate = useMutation({
    mutationFn: () => api.post<JoinLinkView>(orgPath(orgId, 'join-link/rotate')),
    onSuccess: (data) => {
      queryClient.setQueryData(linkKey(orgId), data);
      void message.success(t('joinRules.rotated'));
    },
    onError: (error) => void message.error(error.message),
  });

  // Members who may not read the rules do not see them at all.
  if (rules.error instanceof ApiError && rules.error.status === 403) return null;
  const data = rules.data;
  if (!data) return null;
  const locked = !editable || save.isPending;
  const qr = (kind: 'svg' | 'png') => `/api/v1${orgPath(orgId, 'join-link/qr')}?format=${kind}`;
  const url = link.data?.enabled ? link.data.url : null;

  return (
    <>
      <Card id="join-rules" title={t('joinRules.section')} style={{ maxWidth: 720, marginTop: 16 }}>
        {editable ? null : (
          <Typography.Paragraph type="secondary">{t('joinRules.readOnly')}</Typography.Paragraph>
        )}
        <Form layout="vertical" name="join-rules-form">
          <SwitchRow
            id="join-rules-approval"
            label={t('joinRules.approval')}
            help={t('joinRules.approvalHelp')}
            checked={data.enrollmentApproval}
            disabled={locked}
            onChange={(on) => save.mutate({ enrollmentApproval: on })}
          />
          <Form.Item label={t('joinRules.required')} extra={t('joinRules.requiredHelp')}>
            <Checkbox.Group
              aria-label={t('joinRules.required')}
              disabled={locked}
              value={data.requiredFields}
              onChange={(fields) =>
                save.mutate({ requiredFields: FIELDS.filter((field) => fields.includes(field)) })
              }
              options={FIELDS.map((field) => ({ value: field, label: t(joinFieldLabel(field)) }))}
            />
          </Form.Item>
          <SwitchRow
            id="join-rules-reminders"
            label={t('joinRules.reminders')}
            help={t('joinRules.remindersHelp')}
            checked={data.reminders}
            disabled={locked}
            onChange={(on) => save.mutate({ reminders: on })}
          />
          <Form.Item
            label={t('joinRules.maxOpen')}
            htmlFor="join-rules-max-open"
            extra={t('joinRules.maxOpenHelp')}
          >
            <InputNumber
              id="join-rules-max-open"
              min={1}
              max={100_000}
              precision={0}
              disabled={locked}
              value={maxOpen}
              onChange={(value) => setMaxOpen(value)}
              onBlur={() => {
                if (maxOpen && maxOpen !== data.maxOpenRequests) save.mutate({ maxOpenRequests: maxOpen });
              }}
              style={{ width: 160 }}
            />
          </Form.Item>
        </Form>
      </Card>
      <Card title={t('joinRules.publicSection')} style={{ maxWidth: 720, marginTop: 16 }}>
        <Form layout="vertical" name="public-invitation">
          <SwitchRow
            id="join-rules-public"
            label={t('joinRules.publicLink')}
            help={t('joinRules.publicHelp')}
            checked={data.publicLink}
            disabled={locked}
            onChange={(on) => save.mutate({ publicLink: on })}
          />
          <Form.Item label={t('joinRules.link')}>
            {url ? (
              <Flex vertical gap={8}>
                <CopyField value={url} label={t('joinRules.link')} />
                {editable ? (
                  <Button
                    icon={<ReloadOutlined />}
                    loading={rotate.isPending}
                    style={{ alignSelf: 'flex-start' }}
                    onClick={() =>
                      modal.confirm({
                        title: t('joinRules.rotateTitle'),
                        content: t('joinRules.rotateText'),
                        okText: t('joinRules.rotate'),
                        okButtonProps: { danger: true },
                        cancelText: t('common.cancel'),
                        onOk: () => rotate.mutateAsync().catch(() => undefined),
                      })
                    }
                  >
                    {t('joinRules.rotate')}
                  </Button>
                ) : null}
              </Flex>
            ) : (
              <Typography.Text type="secondary">{t('joinRules.linkOff')}</Typography.Text>
            )}
          </Form.Item>
          {url ? (
            <Form.Item label={t('joinRules.qr')}>
              <Flex gap={16} align="center" wrap>
                {/* Keyed by the link: a replaced link shows its new code at once. */}
                <img key={url} src={qr('svg')} alt={t('joinRules.qrAlt')} width={128} height={128} />
                <Flex vertical gap={8}>
                  <Button icon={<DownloadOutlined />} href={qr('png')} download="join-qr.png">
                    {t('joinRules.qrPng')}
                  </Button>
                  <Button icon={<DownloadOutlined />} href={qr('svg')} download="join-qr.svg">
                    {t('joinRules.qrSvg')}
                  </Button>
                </Flex>
              </Flex>
            </Form.Item>
          ) : null}
          {link.data ? (
            <Form.Item label={t('joinRules.code')} extra={t('joinRules.codeHelp')}>
              <CopyField value={link.data.code} label={t('joinRules.code')} />
            </Form.Item>
          ) : null}
        </Form>
      </Card>
    </>
  );
}

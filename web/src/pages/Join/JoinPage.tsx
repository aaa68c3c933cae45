import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Flex, Form, Input, Result, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { JoinField, JoinOutcome, JoinPreview } from '../../api-types';
import { AuthLayout } from '../../components/AuthLayout';
import { LinkButton } from '../../components/LinkButton';
import { useLinkSecret } from '../../link-secret';
import { useMeQuery } from '../../session';
import { JoinFieldItems, joinFieldValues, rememberedSecret, rememberSecret } from './join-fields';

/** Where the public link's token or the org code waits while the visitor signs in. */
const TARGET_KEY = 'roster.join.target';

type Target = { token: string } | { code: string };

function storedTarget(): Target | null {
  try {
    const parsed: unknown = JSON.parse(rememberedSecret(TARGET_KEY) || 'null');
    if (parsed && typeof parsed === 'object') {
      if ('token' in parsed && typeof parsed.token === 'string') return { token: parsed.token };
      if ('code' in parsed && typeof parsed.code === 'string') return { code: parsed.code };
    }
  } catch {
    // Nothing usable kept: start from the code box.
  }
  return null;
}

type JoinValues = Partial<Record<JoinField, string>> & { note?: string };

/**
 * Asking to join (`/join#token=…` from a public link or its QR code, or an org code typed here): the
 * organization's name, the fields it asks for and a note; signed-out visitors sign in first and come back.
 */
export function JoinPage() {
  const { t } = useTranslation();
  const api = useApi({ redirectOnSignedOut: false });
  const fromLink = useLinkSecret('token');
  const [target, setTarget] = useState<Target | null>(() =>
    fromLink ? { token: fromLink } : storedTarget(),
  );
  const [code, setCode] = useState('');
  const me = useMeQuery({ redirectOnSignedOut: false });
  const [form] = Form.useForm<JoinValues>();

  useEffect(() => {
    if (fromLink) setTarget({ token: fromLink });
  }, [fromLink]);
  useEffect(() => {
    rememberSecret(TARGET_KEY, target ? JSON.stringify(target) : null);
  }, [target]);

  const preview = useQuery({
    queryKey: ['join-preview', target],
    queryFn: () => api.post<JoinPreview>('/join/preview', target ?? {}),
    enabled: target !== null,
    retry: false,
  });

  const request = useMutation({
    mutationFn: ({ note, ...fields }: JoinValues) =>
      api.post<JoinOutcome>('/join/requests', {
        ...target,
        fields: joinFieldValues(fields),
        note: note?.trim() || undefined,
      }),
    onSuccess: () => rememberSecret(TARGET_KEY, null),
  });

  const org = preview.data?.organization.name ?? '';
  const layout = (children: React.ReactNode) => (
    <AuthLayout title={t('join.title')} description={t('join.description')} width={480}>
      {children}
    </AuthLayout>
  );

  if (request.isSuccess)
    return layout(
      <Result
        status="success"
        title={t('join.sent', { org })}
        subTitle={t('join.sentText')}
        extra={
          <LinkButton type="primary" to="/">
            {t('invite.toRoster')}
          </LinkButton>
        }
      />,
    );

  const codeBox = (
    <Form
      layout="vertical"
      name="join-by-code"
      onFinish={() => code.trim() && setTarget({ code: code.trim() })}
    >
      <Form.Item label={t('join.code')} htmlFor="join-code" extra={t('join.codeHelp')}>
        <Flex gap={8}>
          <Input
            id="join-code"
            value={code}
            maxLength={20}
            onChange={(event) => setCode(event.target.value)}
          />
          <Button type="primary" htmlType="submit" disabled={!code.trim()}>
            {t('join.find')}
          </Button>
        </Flex>
      </Form.Item>
    </Form>
  );

  if (!target) return layout(codeBox);
  if (preview.error)
    return layout(
      <>
        <Alert type="warning" showIcon title={preview.error.message} style={{ marginBottom: 16 }} />
        {codeBox}
      </>,
    );
  if (!preview.data || me.isPending) return layout(<Spin />);

  const signedIn = me.data?.account;
  return layout(
    <>
      <Typography.Title level={2} style={{ fontSize: 18, marginTop: 0 }}>
        {t('join.heading', { org })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('join.approvalNote')}</Typography.Paragraph>
      {request.error ? (
        <Alert type="error" showIcon title={request.error.message} style={{ marginBottom: 16 }} />
      ) : null}
      {signedIn ? (
        <Form form={form} name="join-request" layout="vertical" onFinish={(values) => request.mutate(values)}>
          <Typography.Paragraph type="secondary">
            {t('invite.signedInAs', { name: signedIn.name, username: signedIn.username })}
          </Typography.Paragraph>
          <JoinFieldItems fields={preview.data.requiredFields} />
          <Form.Item name="note" label={t('join.note')}>
            <Input.TextArea maxLength={200} showCount rows={3} />
          </Form.Item>
          <Flex gap={8}>
            <Button type="primary" htmlType="submit" loading={request.isPending}>
              {t('join.request')}
            </Button>
            <Button onClick={() => setTarget(null)}>{t('join.another')}</Button>
          </Flex>
        </Form>
      ) : (
        <>
          <Typography.Paragraph>{t('join.signedOut')}</Typography.Paragraph>
          <Flex gap={8} wrap>
            <LinkButton type="primary" to="/sign-in?next=%2Fjoin">
              {t('join.signIn')}
            </LinkButton>
            <LinkButton to="/register">{t('invite.createAccount')}</LinkButton>
          </Flex>
        </>
      )}
    </>,
  );
}

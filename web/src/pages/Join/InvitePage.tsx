import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Divider, Flex, Form, Input, Result, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ApiError, useApi } from '../../api';
import type { AccountResponse, InvitationPreview, JoinField, JoinOutcome, MeResponse } from '../../api-types';
import { AuthLayout } from '../../components/AuthLayout';
import { LinkButton } from '../../components/LinkButton';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { showFormError } from '../../form-errors';
import { useFormat } from '../../format';
import { useLinkSecret } from '../../link-secret';
import { ME_KEY, useMeQuery } from '../../session';
import { nameRules, usernameRules } from '../../validation';
import { JoinFieldItems, joinFieldValues, rememberedSecret, rememberSecret } from './join-fields';

/** Where the invitation's token waits while its holder signs in elsewhere on the site. */
const TOKEN_KEY = 'roster.invite.token';

/** The link refusals that each get their own page. */
const LINK_ERRORS = ['link_unknown', 'link_expired', 'link_used', 'link_revoked', 'link_replaced'] as const;
type LinkError = (typeof LINK_ERRORS)[number] | 'missing' | 'other';

function linkError(error: unknown): LinkError | null {
  if (!(error instanceof ApiError)) return null;
  const code = error.code.replace(/^invitation\./, '') as LinkError;
  return (LINK_ERRORS as readonly string[]).includes(code) ? code : null;
}

interface RegisterValues {
  name: string;
  username: string;
  password: string;
}

/**
 * An invitation link's page (`/invite#token=…`): who invites you to which organization; signed out,
 * register in one step (targeted invitations) or sign in and come back; then the required fields, and
 * Join or Decline. Every dead link gets its own explanation.
 */
export function InvitePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const api = useApi({ redirectOnSignedOut: false });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { modal } = App.useApp();
  const fromLink = useLinkSecret('token');
  const token = fromLink || rememberedSecret(TOKEN_KEY);
  const me = useMeQuery({ redirectOnSignedOut: false });
  const [fieldsForm] = Form.useForm<Partial<Record<JoinField, string>>>();
  const [registerForm] = Form.useForm<RegisterValues>();
  const [alert, setAlert] = useState<ApiError | Error | null>(null);
  const [extraFields, setExtraFields] = useState<JoinField[]>([]);
  const [declined, setDeclined] = useState(false);
  const [pending, setPending] = useState(false);

  // Kept for the way back from /sign-in: the token never goes into a query string.
  useEffect(() => {
    if (fromLink) rememberSecret(TOKEN_KEY, fromLink);
  }, [fromLink]);

  const preview = useQuery({
    queryKey: ['invitation-preview', token],
    queryFn: () => api.post<InvitationPreview>('/invitations/preview', { token }),
    enabled: token !== '',
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const signedIn = me.data?.account;
  const info = preview.data;
  const fields = [...new Set([...(info?.requiredFields ?? []), ...extraFields])];

  const accept = useMutation({
    mutationFn: (values: Partial<Record<JoinField, string>>) =>
      api.post<JoinOutcome>('/invitations/accept', { token, fields: joinFieldValues(values) }),
    onMutate: () => setAlert(null),
    onSuccess: async (outcome) => {
      rememberSecret(TOKEN_KEY, null);
      await queryClient.invalidateQueries({ queryKey: ME_KEY });
      if (outcome.status === 'active')
        navigate(`/orgs/${encodeURIComponent(outcome.orgId)}`, { replace: true });
      else setPending(true);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'join.fields_required') {
        const asked = error.details.fields;
        if (Array.isArray(asked)) setExtraFields(asked as JoinField[]);
      }
      setAlert(error);
    },
  });

  const register = useMutation({
    mutationFn: (values: RegisterValues) =>
      api.post<AccountResponse>('/invitations/register', {
        token,
        name: values.name.trim(),
        username: values.username.trim(),
        password: values.password,
      }),
    onMutate: () => setAlert(null),
    onSuccess: async ({ account }) => {
      queryClient.setQueryData<MeResponse>(ME_KEY, { account, organizations: [] });
      // Nothing more to ask: the person asked to join by creating the account here.
      if (fields.length === 0) accept.mutate({});
    },
    onError: (error) => {
      const codes = { 'account.username_taken': 'username', 'account.invalid_username': 'username' };
      const shown = showFormError(
        registerForm,
        error,
        { fields: ['name', 'username', 'password'], codes, password: 'password' },
        t,
      );
      setAlert(shown ? new Error(shown) : null);
    },
  });

  const decline = useMutation({
    mutationFn: () => api.post('/invitations/decline', { token }),
    onSuccess: () => {
      rememberSecret(TOKEN_KEY, null);
      setDeclined(true);
    },
    onError: (error) => setAlert(error),
  });

  const signOut = async (thenSignIn: boolean) => {
    await api.post('/auth/sign-out').catch(() => undefined);
    queryClient.setQueryData(ME_KEY, undefined);
    await queryClient.resetQueries({ queryKey: ME_KEY });
    setAlert(null);
    if (thenSignIn) navigate('/sign-in?next=%2Finvite');
  };

  const org = info?.organization.name ?? '';
  const layout = (children: React.ReactNode) => (
    <AuthLayout title={t('invite.title')} description={t('invite.description')} width={480}>
      {children}
    </AuthLayout>
  );

  const dead: LinkError | null = !token
    ? 'missing'
    : (linkError(preview.error) ?? linkError(accept.error) ?? linkError(decline.error));
  if (dead || (preview.error && !info)) {
    const kind: LinkError = dead ?? 'other';
    return layout(
      <Result
        status="warning"
        title={t(`invite.errors.${kind}.title`)}
        subTitle={kind === 'other' ? preview.error?.message : t(`invite.errors.${kind}.text`)}
        extra={
          <LinkButton type="primary" to="/">
            {t('invite.toRoster')}
          </LinkButton>
        }
      />,
    );
  }
  if (declined)
    return layout(
      <Result status="info" title={t('invite.declined')} subTitle={t('invite.declinedText', { org })} />,
    );
  if (pending)
    return layout(
      <Result
        status="success"
        title={t('invite.pending', { org })}
        subTitle={t('invite.pendingText', { org })}
        extra={
          <LinkButton type="primary" to="/">
            {t('invite.toRoster')}
          </LinkButton>
        }
      />,
    );
  if (!info || me.isPending) return layout(<Spin />);

  // Declining needs no account: the link alone says who was asked.
  const declineButton = (
    <Button
      loading={decline.isPending}
      onClick={() =>
        modal.confirm({
          title: t('invite.declineTitle', { org }),
          content: t('invite.declineText', { org }),
          okText: t('invite.decline'),
          okButtonProps: { danger: true },
          cancelText: t('common.cancel'),
          onOk: () => decline.mutateAsync().catch(() => undefined),
        })
      }
    >
      {t('invite.decline')}
    </Button>
  );
  const wrongAccount = alert instanceof ApiError && alert.code === 'invitation.wrong_account';
  // Only a link sent to the invited address proves it: registering here needs no second message then.
  const registerOnHere = info.addressProven && !info.addressRegistered;
  // A link with no address, or one an admin copied and handed over: an account is made the usual way.
  const registerElsewhere = info.kind === 'link' || !info.addressProven;

  return layout(
    <>
      <Typography.Title level={2} style={{ fontSize: 18, marginTop: 0 }}>
        {info.inviter
          ? t('invite.heading', { inviter: info.inviter.name, org })
          : t('invite.headingNoInviter', { org })}
      </Typography.Title>
      <Descriptions
        size="small"
        column={1}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'for', label: t('invite.for'), children: info.invitee.name },
          ...(info.invitee.address
            ? [{ key: 'address', label: t('invite.sentTo'), children: info.invitee.address }]
            : []),
          {
            key: 'expires',
            label: t('invite.validUntil'),
            children: <time dateTime={info.expiresAt}>{format.dateTime(info.expiresAt)}</time>,
          },
        ]}
      />
      {alert ? (
        <Alert
          type="error"
          showIcon
          title={alert.message}
          style={{ marginBottom: 16 }}
          action={
            wrongAccount ? (
              <Flex vertical gap={4}>
                <Button size="small" onClick={() => void signOut(false)}>
                  {t('invite.signOut')}
                </Button>
                <Button size="small" onClick={() => void signOut(true)}>
                  {t('invite.signInOther')}
                </Button>
              </Flex>
            ) : undefined
          }
        />
      ) : null}
      {signedIn ? (
        <>
          <Typography.Paragraph type="secondary">
            {t('invite.signedInAs', { name: signedIn.name, username: signedIn.username })}
          </Typography.Paragraph>
          <Form
            form={fieldsForm}
            name="invite-fields"
            layout="vertical"
            onFinish={(values) => accept.mutate(values)}
          >
            {fields.length > 0 ? <Typography.Text strong>{t('invite.fields')}</Typography.Text> : null}
            <JoinFieldItems fields={fields} />
            <Flex gap={8}>
              <Button type="primary" htmlType="submit" loading={accept.isPending} disabled={wrongAccount}>
                {t('invite.join')}
              </Button>
              {declineButton}
            </Flex>
          </Form>
        </>
      ) : (
        <>
          {registerOnHere ? (
            <>
              <Typography.Title level={3} style={{ fontSize: 16 }}>
                {t('invite.register')}
              </Typography.Title>
              <Typography.Paragraph type="secondary">
                {t('invite.registerHelp', { address: info.invitee.address ?? '' })}
              </Typography.Paragraph>
              <Form
                form={registerForm}
                name="invite-register"
                layout="vertical"
                initialValues={{ name: info.invitee.name }}
                onFinish={(values) => register.mutate(values)}
              >
                <Form.Item name="name" label={t('account.name')} rules={nameRules(t)}>
                  <Input autoComplete="name" />
                </Form.Item>
                <Form.Item
                  name="username"
                  label={t('account.username')}
                  extra={t('account.usernameHelp')}
                  rules={usernameRules(t)}
                >
                  <Input autoComplete="username" spellCheck={false} autoCapitalize="none" />
                </Form.Item>
                <NewPasswordFields name="password" label={t('account.password')} />
                <Button
                  type="primary"
                  htmlType="submit"
                  block
                  loading={register.isPending || accept.isPending}
                >
                  {t('invite.registerSubmit')}
                </Button>
              </Form>
              <Divider />
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                {t('invite.haveAccount')}
              </Typography.Paragraph>
            </>
          ) : (
            <Typography.Paragraph>
              {info.addressRegistered && info.invitee.address
                ? t('invite.addressRegistered', { address: info.invitee.address })
                : info.kind === 'targeted' && info.invitee.address
                  ? t('invite.handedOver', { address: info.invitee.address })
                  : t('invite.linkSignedOut')}
            </Typography.Paragraph>
          )}
          <Flex gap={8} wrap>
            <LinkButton type={registerOnHere ? 'default' : 'primary'} to="/sign-in?next=%2Finvite">
              {t('invite.signIn')}
            </LinkButton>
            {registerElsewhere ? <LinkButton to="/register">{t('invite.createAccount')}</LinkButton> : null}
            {declineButton}
          </Flex>
        </>
      )}
    </>,
  );
}

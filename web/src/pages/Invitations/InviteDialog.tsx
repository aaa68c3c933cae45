import { DeleteOutlined, MailOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  type ButtonProps,
  Collapse,
  Flex,
  Form,
  Input,
  Modal,
  Segmented,
  Table,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useApi } from '../../api';
import {
  type ContactView,
  type Department,
  type InviteBody,
  type InviteResponse,
  type LinkInvitationResponse,
  MEMBERS_MANAGE,
} from '../../api-types';
import { useFormat } from '../../format';
import { permissionScope, useDepartmentReach, useSession } from '../../session';
import { NAME_COUNT, nameRules } from '../../validation';
import type { DepartmentChoice } from '../Members/DepartmentsInput';
import { OrgFields, optionalText, PlacementFields } from '../Members/member-fields';
import { departmentAssignments, useMemberChoices } from '../Members/use-member-form';
import { useMembersChanged } from '../Members/use-members';
import { orgKey, useOrganizationProfile } from '../Organizations/use-organization';
import { ContactPicker } from './ContactPicker';
import { CopyField, type ShownLink } from './LinkModal';
import { orgPath } from './use-invitations';

/** The most people one request takes (the server's MAX_INVITEES). */
const MAX_INVITEES = 1000;

interface Invitee {
  name: string;
  address: string;
}

interface InviteValues {
  invitees: Invitee[];
  name?: string;
  departments: DepartmentChoice[];
  roles: string[];
  groupIds?: string[];
  employeeId?: string;
  workLocation?: string;
  orgEmail?: string;
  expiresAt?: string | null;
}

type Mode = 'address' | 'contacts' | 'link';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{6,20}$/;

/** Whether the server may take it as an address: an email address or something like a mobile number. */
function looksLikeAddress(value: string): boolean {
  const trimmed = value.trim();
  return EMAIL.test(trimmed) || PHONE.test(trimmed);
}

/** "name, address" lines (comma, Chinese comma, semicolon or tab); the lines that are not, by number. */
export function parsePeople(text: string): { people: Invitee[]; bad: number[] } {
  const people: Invitee[] = [];
  const bad: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const match = line.match(/^\s*(.+?)\s*[,，;；\t]\s*(\S+)\s*$/);
    if (match?.[1] && match[2] && looksLikeAddress(match[2]))
      people.push({ name: match[1], address: match[2] });
    else bad.push(index + 1);
  });
  return { people, bad };
}

const EMPTY_ROW: Invitee = { name: '', address: '' };

/** The placement and org fields as the API takes them, shared by both ways of inviting. */
function placementOf(values: InviteValues): Omit<InviteBody, 'invitees'> {
  return {
    departments: departmentAssignments(values.departments),
    roles: values.roles,
    groupIds: values.groupIds?.length ? values.groupIds : undefined,
    employeeId: optionalText(values.employeeId),
    workLocation: optionalText(values.workLocation),
    orgEmail: optionalText(values.orgEmail),
    expiresAt: values.expiresAt ?? undefined,
  };
}

/** The per-address outcome of an invitation request: refused rows say why; contacts by name and masked address. */
function InviteResults({
  response,
  contacts,
}: {
  response: InviteResponse;
  contacts: ReadonlyMap<string, ContactView>;
}) {
  const { t } = useTranslation();
  const addressOf = (row: InviteResponse['results'][number]) => {
    const contact = row.contactId ? contacts.get(row.contactId) : undefined;
    if (!contact) return row.address ?? '';
    return [contact.name, contact.email ?? contact.mobile].filter(Boolean).join(' · ');
  };
  return (
    <>
      <Typography.Paragraph strong>
        {t('inviteDialog.results', { invited: response.invited, refused: response.refused })}
      </Typography.Paragraph>
      <Table
        size="small"
        rowKey={(row) => `${row.address ?? row.contactId}-${row.memberId ?? ''}`}
        pagination={false}
        scroll={{ y: 240 }}
        aria-label={t('inviteDialog.resultsLabel')}
        dataSource={response.results}
        columns={[
          {
            title: t('invitations.address'),
            key: 'address',
            width: 220,
            ellipsis: true,
            render: (_, row) => addressOf(row),
          },
          {
            title: t('invitations.result'),
            key: 'outcome',
            render: (_, row) => (
              <span>
                <Tag color={row.outcome === 'refused' ? 'error' : 'success'}>
                  {t(`inviteDialog.outcome.${row.outcome}`)}
                </Tag>
                {row.message}
              </span>
            ),
          },
        ]}
        style={{ marginBottom: 16 }}
      />
    </>
  );
}

export interface InviteButtonProps {
  orgId: string;
  departments: Department[];
  /** The department invited people start in (the one selected in the tree). */
  departmentId?: string;
  type?: ButtonProps['type'];
}

/**
 * "Invite" and its dialog: by email or mobile (a list of people, one placement, a result per address;
 * "Save and continue" keeps the dialog for more) or a manual link for one person, shown once.
 */
export function InviteButton({ orgId, departments, departmentId, type }: InviteButtonProps) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const changed = useMembersChanged(orgId);
  const [form] = Form.useForm<InviteValues>();
  const format = useFormat();
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<Mode>('address');
  const [paste, setPaste] = useState('');
  const [pasteProblem, setPasteProblem] = useState<string | null>(null);
  const [alert, setAlert] = useState<string | null>(null);
  const [response, setResponse] = useState<InviteResponse | null>(null);
  /** After "Save": the results alone, the form hidden. */
  const [finished, setFinished] = useState(false);
  const [link, setLink] = useState<ShownLink | null>(null);
  /** The contacts ticked in "From contacts", and every contact ticked since the dialog opened (to name results). */
  const [picked, setPicked] = useState<Map<string, ContactView>>(new Map());
  const [known, setKnown] = useState<Map<string, ContactView>>(new Map());
  const seats = useOrganizationProfile(orgId).data?.organization;
  const full = seats !== undefined && seats.seatsUsed >= seats.memberLimit;
  const { roles, groups } = useMemberChoices(orgId, false);
  const reach = useDepartmentReach(orgId, MEMBERS_MANAGE, departments);
  // A scoped admin invites into their departments; someone who may only invite chooses freely (the server's rule).
  const scoped = permissionScope(
    useSession().organizations.find((org) => org.id === orgId),
    MEMBERS_MANAGE,
  );
  const allowed = reach.whole || scoped === null ? undefined : reach.covers;

  // The department to start in, read as the dialog opens: the tree reloading after a send (new counts)
  // must not start the dialog afresh and lose the results or the link on screen.
  const startIn = useRef<string | undefined>(undefined);
  startIn.current = departmentId ?? departments.find((department) => department.isRoot)?.id;
  useLayoutEffect(() => {
    if (!open) return;
    const start = startIn.current;
    form.resetFields();
    form.setFieldsValue({
      invitees: [{ ...EMPTY_ROW }],
      departments: start ? [{ departmentId: start, position: null, isPrimary: true }] : [],
      roles: ['member'],
    });
    setMode('address');
    setPaste('');
    setPasteProblem(null);
    setAlert(null);
    setResponse(null);
    setFinished(false);
    setLink(null);
    setPicked(new Map());
    setKnown(new Map());
  }, [open, form]);

  const afterSend = async () => {
    await changed();
    // Invitations take seats: the count on the dialogs follows.
    void queryClient.invalidateQueries({ queryKey: orgKey(orgId), exact: true });
  };

  const invite = useMutation({
    mutationFn: ({
      values,
      contactIds,
    }: {
      values: InviteValues;
      more: boolean;
      contactIds: string[] | null;
    }) =>
      api.post<InviteResponse>(orgPath(orgId, 'invitations'), {
        invitees: contactIds
          ? contactIds.map((contactId) => ({ contactId }))
          : values.invitees.map((row) => ({ name: row.name.trim(), address: row.address.trim() })),
        ...placementOf(values),
      } satisfies InviteBody),
    onMutate: () => setAlert(null),
    onSuccess: async (answer, { values, more, contactIds }) => {
      await afterSend();
      setResponse(answer);
      if (contactIds) {
        // Picked people are done either way: invited, or refused for a reason the list now shows.
        setPicked(new Map());
        if (!more && answer.refused === 0) setFinished(true);
        return;
      }
      // The refused people stay, to be corrected and sent again; the others are done.
      const refused = new Set(
        answer.results.flatMap((row) =>
          row.outcome === 'refused' && row.address ? [row.address.trim()] : [],
        ),
      );
      const kept = values.invitees.filter((row) => refused.has(row.address.trim()));
      form.setFieldValue('invitees', kept.length > 0 ? kept : [{ ...EMPTY_ROW }]);
      if (!more && answer.refused === 0) setFinished(true);
    },
    onError: (error) => {
      setAlert(error.message);
      void queryClient.invalidateQueries({ queryKey: orgKey(orgId), exact: true });
    },
  });

  const createLink = useMutation({
    mutationFn: (values: InviteValues) =>
      api.post<LinkInvitationResponse>(orgPath(orgId, 'invitations/link'), {
        name: (values.name ?? '').trim(),
        ...placementOf(values),
      }),
    onMutate: () => setAlert(null),
    onSuccess: async (answer) => {
      await afterSend();
      setLink({ name: answer.member.name, link: answer.link, expiresAt: answer.expiresAt });
    },
    onError: (error) => setAlert(error.message),
  });

  const send = async (more: boolean) => {
    try {
      const placement = ['departments', 'roles', 'expiresAt', 'orgEmail'];
      const names: (string | (string | number)[])[] =
        mode === 'link'
          ? ['name', ...placement]
          : mode === 'contacts'
            ? placement
            : ['invitees', ...placement];
      if (mode === 'address') {
        const rows = (form.getFieldValue('invitees') as Invitee[] | undefined) ?? [];
        rows.forEach((_, index) => {
          names.push(['invitees', index, 'name'], ['invitees', index, 'address']);
        });
      }
      const values = { ...(form.getFieldsValue(true) as InviteValues) };
      await form.validateFields(names);
      if (mode === 'contacts' && picked.size === 0) {
        setAlert(t('inviteDialog.contactsNone'));
        return;
      }
      if (mode === 'link') createLink.mutate(values);
      else invite.mutate({ values, more, contactIds: mode === 'contacts' ? [...picked.keys()] : null });
    } catch {
      // The form shows what is missing beside each field.
    }
  };

  const addPasted = () => {
    const { people, bad } = parsePeople(paste);
    const current = ((form.getFieldValue('invitees') as Invitee[] | undefined) ?? []).filter(
      (row) => row.name?.trim() || row.address?.trim(),
    );
    const next = [...current, ...people];
    if (next.length > MAX_INVITEES) {
      setPasteProblem(t('inviteDialog.tooMany', { max: MAX_INVITEES }));
      return;
    }
    form.setFieldValue('invitees', next.length > 0 ? next : [{ ...EMPTY_ROW }]);
    setPasteProblem(
      bad.length ? t('inviteDialog.pasteBad', { count: bad.length, lines: bad.join(', ') }) : null,
    );
    setPaste('');
  };

  const busy = invite.isPending || createLink.isPending;
  let footer: ReactNode;
  if (finished || link) {
    footer = (
      <Flex justify="flex-end" gap={8}>
        <Button
          onClick={() => {
            setFinished(false);
            setLink(null);
            setResponse(null);
            form.setFieldValue('name', '');
          }}
        >
          {t('inviteDialog.inviteMore')}
        </Button>
        <Button type="primary" onClick={() => setOpen(false)}>
          {t('invitations.done')}
        </Button>
      </Flex>
    );
  } else {
    footer = (
      <Flex justify="flex-end" gap={8}>
        <Button onClick={() => setOpen(false)}>{t('common.cancel')}</Button>
        {mode !== 'link' ? (
          <>
            <Button loading={busy} onClick={() => void send(true)}>
              {t('inviteDialog.saveContinue')}
            </Button>
            <Button type="primary" loading={busy} onClick={() => void send(false)}>
              {t('inviteDialog.save')}
            </Button>
          </>
        ) : (
          <Button type="primary" loading={busy} onClick={() => void send(false)}>
            {t('inviteDialog.createLink')}
          </Button>
        )}
      </Flex>
    );
  }

  return (
    <>
      <Button type={type} icon={<MailOutlined />} disabled={full} onClick={() => setOpen(true)}>
        {t('invitations.invite')}
      </Button>
      <Modal
        open={open}
        title={t('inviteDialog.title')}
        width={680}
        footer={footer}
        onCancel={() => setOpen(false)}
      >
        {link ? (
          <>
            <Alert
              type="warning"
              showIcon
              title={t('invitations.linkWarning', { time: format.dateTime(link.expiresAt) })}
              style={{ marginBottom: 16 }}
            />
            <Typography.Paragraph strong>
              {t('invitations.linkTitle', { name: link.name })}
            </Typography.Paragraph>
            <CopyField value={link.link} label={t('invitations.link')} />
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
              {t('invitations.linkOnce')}
            </Typography.Paragraph>
          </>
        ) : null}
        {response && !link ? <InviteResults response={response} contacts={known} /> : null}
        {response && !finished && response.refused > 0 && mode === 'address' ? (
          <Alert type="info" showIcon title={t('inviteDialog.refusedKept')} style={{ marginBottom: 16 }} />
        ) : null}
        <div hidden={finished || link !== null}>
          <Segmented<Mode>
            block
            value={mode}
            onChange={(next) => {
              setMode(next);
              setAlert(null);
            }}
            aria-label={t('inviteDialog.mode')}
            options={[
              { value: 'address', label: t('inviteDialog.byAddress') },
              { value: 'contacts', label: t('inviteDialog.byContacts') },
              { value: 'link', label: t('inviteDialog.byLink') },
            ]}
            style={{ marginBottom: 12 }}
          />
          <Typography.Paragraph type="secondary">
            {t(
              `inviteDialog.${mode === 'address' ? 'byAddressHelp' : mode === 'contacts' ? 'byContactsHelp' : 'byLinkHelp'}`,
            )}{' '}
            {t('inviteDialog.rulesHint')}{' '}
            <Link
              to={`/orgs/${encodeURIComponent(orgId)}/settings#join-rules`}
              style={{ textDecoration: 'underline' }}
            >
              {t('inviteDialog.rulesLink')}
            </Link>
          </Typography.Paragraph>
          {seats ? (
            <Alert
              type={full ? 'warning' : 'info'}
              title={
                full
                  ? t('inviteDialog.seatsFull', { limit: seats.memberLimit })
                  : t('inviteDialog.seats', { used: seats.seatsUsed, limit: seats.memberLimit })
              }
              style={{ marginBottom: 16 }}
            />
          ) : null}
          {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
          <Form form={form} name="invite" layout="vertical" onFinish={() => undefined}>
            {mode === 'contacts' ? (
              <ContactPicker
                orgId={orgId}
                picked={picked}
                max={MAX_INVITEES}
                onChange={(next) => {
                  setPicked(next);
                  setKnown((before) => new Map([...before, ...next]));
                }}
              />
            ) : mode === 'link' ? (
              <Form.Item name="name" label={t('inviteDialog.linkName')} rules={nameRules(t)}>
                <Input autoComplete="off" count={NAME_COUNT} />
              </Form.Item>
            ) : (
              <>
                <Typography.Text strong>{t('inviteDialog.people')}</Typography.Text>
                <Form.List name="invitees">
                  {(rows, { add, remove }) => (
                    <div style={{ maxHeight: 260, overflowY: 'auto', marginTop: 8 }}>
                      {rows.map((row, index) => (
                        <Flex key={row.key} gap={8} align="flex-start">
                          <Form.Item
                            name={[row.name, 'name']}
                            rules={nameRules(t)}
                            style={{ flex: '1 1 40%', marginBottom: 8 }}
                          >
                            <Input
                              aria-label={t('inviteDialog.nameOf', { index: index + 1 })}
                              placeholder={t('inviteDialog.namePlaceholder')}
                              autoComplete="off"
                              maxLength={NAME_COUNT?.max}
                            />
                          </Form.Item>
                          <Form.Item
                            name={[row.name, 'address']}
                            style={{ flex: '1 1 60%', marginBottom: 8 }}
                            rules={[
                              {
                                required: true,
                                whitespace: true,
                                message: t('inviteDialog.addressRequired'),
                              },
                              {
                                validator: async (_rule, value: string | undefined) => {
                                  if (value?.trim() && !looksLikeAddress(value))
                                    throw new Error(t('inviteDialog.addressInvalid'));
                                  const all = (form.getFieldValue('invitees') as Invitee[]) ?? [];
                                  const same = all.filter(
                                    (other) =>
                                      other?.address?.trim().toLowerCase() === value?.trim().toLowerCase(),
                                  );
                                  if (value?.trim() && same.length > 1)
                                    throw new Error(t('inviteDialog.duplicate'));
                                },
                              },
                            ]}
                          >
                            <Input
                              aria-label={t('inviteDialog.addressOf', { index: index + 1 })}
                              placeholder={t('inviteDialog.addressPlaceholder')}
                              autoComplete="off"
                              maxLength={254}
                            />
                          </Form.Item>
                          <Button
                            type="text"
                            icon={<DeleteOutlined />}
                            aria-label={t('inviteDialog.removeRow', { index: index + 1 })}
                            disabled={rows.length === 1}
                            onClick={() => remove(row.name)}
                          />
                        </Flex>
                      ))}
                      <Button
                        type="dashed"
                        icon={<PlusOutlined />}
                        disabled={rows.length >= MAX_INVITEES}
                        onClick={() => add({ ...EMPTY_ROW })}
                        style={{ marginBottom: 12 }}
                      >
                        {t('inviteDialog.addRow')}
                      </Button>
                    </div>
                  )}
                </Form.List>
                <Collapse
                  size="small"
                  style={{ marginBottom: 16 }}
                  items={[
                    {
                      key: 'paste',
                      label: t('inviteDialog.paste'),
                      children: (
                        <>
                          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                            <label htmlFor="invite-paste">{t('inviteDialog.pasteHelp')}</label>
                          </Typography.Paragraph>
                          <Input.TextArea
                            id="invite-paste"
                            aria-label={t('inviteDialog.pasteLabel')}
                            rows={4}
                            value={paste}
                            onChange={(event) => setPaste(event.target.value)}
                            placeholder={'李雷, lilei@example.com\nHan Meimei\t+86 138 0013 8000'}
                          />
                          {pasteProblem ? (
                            <Alert type="warning" showIcon title={pasteProblem} style={{ marginTop: 8 }} />
                          ) : null}
                          <Button style={{ marginTop: 8 }} disabled={!paste.trim()} onClick={addPasted}>
                            {t('inviteDialog.pasteAdd')}
                          </Button>
                        </>
                      ),
                    },
                  ]}
                />
              </>
            )}
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              {t('inviteDialog.placement')}
            </Typography.Title>
            <PlacementFields departments={departments} roles={roles} allowed={allowed} />
            <Collapse
              size="small"
              items={[
                {
                  key: 'more',
                  label: t('members.more'),
                  forceRender: true,
                  children: <OrgFields groups={groups} invitation />,
                },
              ]}
            />
          </Form>
        </div>
      </Modal>
    </>
  );
}

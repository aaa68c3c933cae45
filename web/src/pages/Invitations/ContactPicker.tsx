import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Empty, Flex, Input, Spin, Tag, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import type { ContactPage, ContactView } from '../../api-types';
import { membersKey, useDebounced } from '../Members/use-members';
import { orgPath } from './use-invitations';

const PAGE_SIZE = 50;

/**
 * The contacts to pick from, a page at a time. Cached under the members' key: an invitation sent
 * from the dialog changes where contacts stand here, and the members' refresh reloads it.
 */
function useContacts(orgId: string, q: string) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...membersKey(orgId), 'contacts', q],
    queryFn: ({ pageParam, signal }) =>
      api.get<ContactPage>(
        orgPath(orgId, 'invitations/contacts'),
        { q: q || undefined, limit: PAGE_SIZE, cursor: pageParam },
        signal,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export interface ContactPickerProps {
  orgId: string;
  /** The contacts ticked, by id (kept across searches). */
  picked: ReadonlyMap<string, ContactView>;
  onChange: (next: Map<string, ContactView>) => void;
  /** The most one request takes. */
  max: number;
}

/**
 * "From contacts": people of the inviter's other organizations, searched by name or pinyin, their
 * addresses masked. People who are members here already (or invited, or asking) can't be ticked, and
 * say why.
 */
export function ContactPicker({ orgId, picked, onChange, max }: ContactPickerProps) {
  const { t } = useTranslation();
  const [term, setTerm] = useState('');
  const q = useDebounced(term.trim());
  const contacts = useContacts(orgId, q);
  const rows = contacts.data?.pages.flatMap((page) => page.items) ?? [];

  const toggle = (contact: ContactView, on: boolean) => {
    const next = new Map(picked);
    if (on) next.set(contact.id, contact);
    else next.delete(contact.id);
    onChange(next);
  };

  let body: ReactNode;
  if (contacts.isPending) {
    body = (
      <Flex justify="center" style={{ padding: 24 }}>
        <Spin aria-label={t('common.loading')} />
      </Flex>
    );
  } else if (contacts.isError) {
    body = (
      <Alert
        type="error"
        showIcon
        title={contacts.error.message}
        action={
          <Button size="small" onClick={() => void contacts.refetch()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  } else if (rows.length === 0) {
    body = (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={q ? t('inviteDialog.contactsNoMatch', { term: q }) : t('inviteDialog.contactsEmpty')}
      />
    );
  } else {
    body = (
      <>
        {rows.map((contact) => {
          const addresses = [contact.email, contact.mobile].filter(Boolean).join(' · ');
          const checked = picked.has(contact.id);
          return (
            <Flex
              key={contact.id}
              align="flex-start"
              gap={8}
              style={{ padding: '6px 4px', borderBottom: '1px solid rgba(5, 5, 5, 0.06)' }}
            >
              <Checkbox
                checked={checked}
                disabled={!contact.invitable || (!checked && picked.size >= max)}
                onChange={(event) => toggle(contact, event.target.checked)}
              >
                <span>{contact.name}</span> <Typography.Text type="secondary">{addresses}</Typography.Text>{' '}
                {contact.status ? (
                  <Tag color={contact.invitable ? 'default' : 'warning'}>
                    {t(`inviteDialog.contactStatus.${contact.status}`)}
                  </Tag>
                ) : null}
              </Checkbox>
            </Flex>
          );
        })}
        {contacts.hasNextPage ? (
          <Button
            type="link"
            loading={contacts.isFetchingNextPage}
            onClick={() => void contacts.fetchNextPage()}
          >
            {t('inviteDialog.contactsMore')}
          </Button>
        ) : null}
      </>
    );
  }

  return (
    <div style={{ marginBottom: 16 }}>
      <Flex justify="space-between" align="baseline" gap={8} style={{ marginBottom: 8 }}>
        <Typography.Text strong>{t('inviteDialog.people')}</Typography.Text>
        <Typography.Text type="secondary" aria-live="polite">
          {t('inviteDialog.contactsPicked', { count: picked.size })}
        </Typography.Text>
      </Flex>
      <Input.Search
        allowClear
        value={term}
        onChange={(event) => setTerm(event.target.value)}
        aria-label={t('inviteDialog.contactsSearch')}
        placeholder={t('inviteDialog.contactsSearch')}
        maxLength={64}
        style={{ marginBottom: 8 }}
      />
      <fieldset
        aria-label={t('inviteDialog.contactsLabel')}
        style={{ maxHeight: 260, overflowY: 'auto', border: 0, margin: 0, padding: 0, minWidth: 0 }}
      >
        {body}
      </fieldset>
    </div>
  );
}

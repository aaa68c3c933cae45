import { Alert, Button, Flex, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DepartmentSearchHit } from '../../api-types';
import { useDepartmentSearch } from './use-departments';

/**
 * The search box above the tree: the first hit is revealed and selected at once; when several match,
 * their paths are listed to pick from.
 */
export function DepartmentSearch({ orgId, onReveal }: { orgId: string; onReveal: (id: string) => void }) {
  const { t } = useTranslation();
  const searchDepartments = useDepartmentSearch(orgId);
  const [term, setTerm] = useState('');
  const [hits, setHits] = useState<DepartmentSearchHit[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function search(value: string) {
    const trimmed = value.trim();
    setError(null);
    if (!trimmed) {
      setHits(null);
      return;
    }
    setSearching(true);
    try {
      const found = await searchDepartments(trimmed);
      setHits(found);
      const first = found[0];
      if (first) onReveal(first.id);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setSearching(false);
    }
  }

  return (
    <>
      <Input.Search
        aria-label={t('departments.search')}
        placeholder={t('departments.searchPlaceholder')}
        allowClear
        maxLength={50}
        value={term}
        loading={searching}
        onChange={(event) => {
          setTerm(event.target.value);
          if (!event.target.value) setHits(null);
        }}
        onSearch={(value) => void search(value)}
        style={{ marginBottom: 12 }}
      />
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      {hits && hits.length === 0 ? (
        <Typography.Paragraph type="secondary">
          {t('departments.noHits', { term: term.trim() })}
        </Typography.Paragraph>
      ) : null}
      {hits && hits.length > 1 ? (
        <nav aria-label={t('departments.hits')} style={{ marginBottom: 12 }}>
          <Typography.Text type="secondary">
            {t('departments.hitCount', { count: hits.length })}
          </Typography.Text>
          <Flex vertical align="flex-start">
            {hits.map((hit) => (
              <Button key={hit.id} type="link" size="small" onClick={() => onReveal(hit.id)}>
                {hit.path.map((step) => step.name).join(' / ')}
              </Button>
            ))}
          </Flex>
        </nav>
      ) : null}
    </>
  );
}

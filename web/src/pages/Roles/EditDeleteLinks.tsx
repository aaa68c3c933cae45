import { Button } from 'antd';
import { useTranslation } from 'react-i18next';

/** A role's or a group's Edit and Delete links in its row, named for screen readers. */
export function EditDeleteLinks({
  name,
  onEdit,
  onDelete,
}: {
  name: string;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Button type="link" size="small" aria-label={`${t('roles.edit')} ${name}`} onClick={onEdit}>
        {t('roles.edit')}
      </Button>
      <Button type="link" size="small" danger aria-label={`${t('roles.delete')} ${name}`} onClick={onDelete}>
        {t('roles.delete')}
      </Button>
    </>
  );
}

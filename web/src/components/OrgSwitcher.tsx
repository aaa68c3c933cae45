import { ApartmentOutlined, DownOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Dropdown, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import type { OrgSummary } from '../api-types';
import { useOrgCreation } from '../pages/Organizations/use-org-creation';

const NEW_ORG = '__new__';

export interface OrgSwitcherProps {
  organizations: OrgSummary[];
  current: OrgSummary | undefined;
}

/** Opens another of the signed-in account's organizations, on the same page; or creates one, if allowed. */
export function OrgSwitcher({ organizations, current }: OrgSwitcherProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const mayCreate = useOrgCreation().data?.allowed === true;

  const open = (key: string) => {
    if (key === NEW_ORG) {
      navigate('/orgs/new');
      return;
    }
    // Stay on the same page (overview, audit log, settings) of the organization chosen.
    const section = current ? location.pathname.match(/^\/orgs\/[^/]+(\/[^/]+)?/)?.[1] : undefined;
    navigate(`/orgs/${encodeURIComponent(key)}${section ?? ''}`);
  };

  return (
    <Dropdown
      trigger={['click']}
      // Moves focus into the menu when it opens, so the arrow keys and Enter work from the keyboard.
      autoFocus
      menu={{
        selectable: true,
        selectedKeys: current ? [current.id] : [],
        items: [
          // A radio group to assistive technology, so the current organization is announced as checked.
          ...organizations.map((org) => ({
            key: org.id,
            label: org.name,
            extra: org.domain,
            role: 'menuitemradio',
            'aria-checked': org.id === current?.id,
          })),
          ...(mayCreate && organizations.length > 0 ? [{ type: 'divider' as const }] : []),
          ...(mayCreate ? [{ key: NEW_ORG, label: t('frame.newOrganization'), icon: <PlusOutlined /> }] : []),
        ],
        onClick: ({ key }) => open(key),
      }}
    >
      <Button
        type="text"
        icon={<ApartmentOutlined />}
        // Shrinks on a phone's top bar: the name ends in an ellipsis rather than pushing the menus out.
        style={{ maxWidth: '100%' }}
        // The label replaces the button's text for screen readers: it must contain the current organization's
        // name as shown, as whole words (WCAG 2.5.3), so not inside parentheses.
        aria-label={
          current ? t('frame.switchOrganizationFrom', { name: current.name }) : t('frame.switchOrganization')
        }
      >
        <Typography.Text strong ellipsis style={{ maxWidth: 320, minWidth: 0 }}>
          {current?.name ?? t('frame.noOrganization')}
        </Typography.Text>
        <DownOutlined style={{ fontSize: 10 }} />
      </Button>
    </Dropdown>
  );
}

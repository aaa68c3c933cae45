import { KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { App, Avatar, Button, Dropdown, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Me } from '../api-types';
import { useSignOut } from '../session';

/**
 * The signed-in person's menu: My profile, Change password, Sign out. `compact` (a phone's top bar) shows
 * the avatar without the name.
 */
export function UserMenu({ account, compact = false }: { account: Me; compact?: boolean }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const { message } = App.useApp();

  return (
    <Dropdown
      trigger={['click']}
      // Moves focus into the menu when it opens, so the arrow keys and Enter work from the keyboard.
      autoFocus
      menu={{
        items: [
          { key: 'profile', label: t('frame.myProfile'), icon: <UserOutlined /> },
          { key: 'password', label: t('frame.changePassword'), icon: <KeyOutlined /> },
          { type: 'divider' },
          { key: 'sign-out', label: t('frame.signOut'), icon: <LogoutOutlined /> },
        ],
        onClick: ({ key }) => {
          if (key === 'profile') navigate('/profile');
          else if (key === 'password') navigate('/change-password');
          else signOut().catch((error: Error) => void message.error(error.message));
        },
      }}
    >
      <Button type="text" aria-label={t('frame.accountMenu', { name: account.name })}>
        {/* A figure, not initials: the button's name must contain every word it shows (WCAG 2.5.3). */}
        <Avatar size="small" icon={<UserOutlined />} style={{ backgroundColor: token.colorPrimary }} />
        {compact ? null : account.name}
      </Button>
    </Dropdown>
  );
}

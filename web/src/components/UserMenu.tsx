import { KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { App, Avatar, Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Me } from '../api-types';
import { useSignOut } from '../session';

/** Up to two initials for the avatar: "Ada Lovelace" → "AL", "张三" → "张三". */
function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length >= 2) return `${words[0]?.[0] ?? ''}${words.at(-1)?.[0] ?? ''}`.toUpperCase();
  return Array.from(words[0] ?? '?')
    .slice(0, 2)
    .join('')
    .toUpperCase();
}

/** The signed-in person's menu: My profile, Change password, Sign out. */
export function UserMenu({ account }: { account: Me }) {
  const { t } = useTranslation();
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
        <Avatar size="small" style={{ backgroundColor: '#1677ff' }}>
          {initials(account.name)}
        </Avatar>
        {account.name}
      </Button>
    </Dropdown>
  );
}

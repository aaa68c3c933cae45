import { Card, Flex, Layout, Typography, theme } from 'antd';
import type { ReactNode } from 'react';
import { useEffect } from 'react';
import { LanguageSwitch } from './LanguageSwitch';

export interface AuthLayoutProps {
  title: string;
  description: string;
  children: ReactNode;
  /** Wider card for longer forms (first-run setup). */
  width?: number;
}

/** The frame of the pages shown before the console: sign-in, setup, registration, forced password change. */
export function AuthLayout({ title, description, children, width = 420 }: AuthLayoutProps) {
  const { token } = theme.useToken();
  useEffect(() => {
    document.title = `${title} · Roster`;
  }, [title]);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Flex component="header" justify="space-between" align="center" style={{ padding: '12px 24px' }}>
        <Typography.Text strong style={{ fontSize: 18 }}>
          Roster
        </Typography.Text>
        <LanguageSwitch />
      </Flex>
      <Flex justify="center" style={{ padding: '24px 16px 48px' }}>
        <main style={{ width, maxWidth: '100%' }}>
          <Card>
            {/* The page's one h1, at the size of antd's h3. */}
            <Typography.Title
              level={1}
              style={{ marginTop: 0, fontSize: token.fontSizeHeading3, lineHeight: token.lineHeightHeading3 }}
            >
              {title}
            </Typography.Title>
            <Typography.Paragraph type="secondary">{description}</Typography.Paragraph>
            {children}
          </Card>
        </main>
      </Flex>
    </Layout>
  );
}

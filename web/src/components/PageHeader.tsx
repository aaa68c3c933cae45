import { Flex, Typography, theme } from 'antd';
import { type ReactNode, useEffect } from 'react';

export interface PageHeaderProps {
  title: string;
  /** One line saying what the page is for. */
  description: string;
  /** The page's primary action, shown top right. */
  extra?: ReactNode;
}

/**
 * Every page's head: its title (the page's one h1, at the size of antd's h3), what it is for, and its
 * primary action; also names the browser tab. On a narrow screen the actions wrap below the title rather
 * than squeezing it.
 */
export function PageHeader({ title, description, extra }: PageHeaderProps) {
  const { token } = theme.useToken();
  useEffect(() => {
    document.title = `${title} · Roster`;
  }, [title]);
  return (
    <Flex justify="space-between" align="flex-start" gap={16} wrap style={{ marginBottom: 24 }}>
      <div style={{ flex: '1 1 280px', minWidth: 0 }}>
        <Typography.Title
          level={1}
          style={{ margin: 0, fontSize: token.fontSizeHeading3, lineHeight: token.lineHeightHeading3 }}
        >
          {title}
        </Typography.Title>
        <Typography.Text type="secondary">{description}</Typography.Text>
      </div>
      {extra ? (
        <Flex gap={8} wrap>
          {extra}
        </Flex>
      ) : null}
    </Flex>
  );
}

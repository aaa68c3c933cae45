import { Flex, Typography } from 'antd';
import { type ReactNode, useEffect } from 'react';

export interface PageHeaderProps {
  title: string;
  /** One line saying what the page is for. */
  description: string;
  /** The page's primary action, shown top right. */
  extra?: ReactNode;
}

/** Every page's head: its title, what it is for, and its primary action; also names the browser tab. */
export function PageHeader({ title, description, extra }: PageHeaderProps) {
  useEffect(() => {
    document.title = `${title} · Roster`;
  }, [title]);
  return (
    <Flex justify="space-between" align="flex-start" gap={16} style={{ marginBottom: 24 }}>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        <Typography.Text type="secondary">{description}</Typography.Text>
      </div>
      {extra ? (
        <Flex gap={8} style={{ flexShrink: 0 }}>
          {extra}
        </Flex>
      ) : null}
    </Flex>
  );
}

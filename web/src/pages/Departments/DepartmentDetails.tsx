import { EllipsisOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Empty, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Department } from '../../api-types';
import { DepartmentMenu, type NodeMenus, offersActions } from './DepartmentMenu';
import { pathTo } from './department-tree';

/**
 * The selected department above its members: path, heads, direct members (the tree counts
 * sub-departments' too) and sub-departments, with the node menu for people who manage departments.
 */
export function DepartmentDetails({
  department,
  departments,
  menus,
}: {
  department: Department | undefined;
  departments: Department[];
  /** Absent for people who may only read the tree. */
  menus: NodeMenus | undefined;
}) {
  const { t } = useTranslation();
  if (!department) return <Empty description={t('departments.none')} />;
  const path = pathTo(departments, department.id);
  const subCount = departments.filter((other) => other.parentId === department.id).length;
  return (
    <Card
      size="small"
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {department.name}
        </Typography.Title>
      }
      extra={
        menus && offersActions(menus, department) ? (
          <DepartmentMenu department={department} departments={departments} menus={menus}>
            <Button icon={<EllipsisOutlined />}>{t('common.actions')}</Button>
          </DepartmentMenu>
        ) : null
      }
    >
      <Descriptions
        column={2}
        size="small"
        items={[
          {
            key: 'path',
            label: t('departments.path'),
            children: path.map((step) => step.name).join(' / '),
          },
          {
            key: 'heads',
            label: t('departments.heads'),
            children:
              department.heads.length > 0
                ? department.heads.map((head) => head.name).join(', ')
                : t('departments.noHeads'),
          },
          { key: 'members', label: t('departments.members'), children: department.directMemberCount },
          { key: 'subDepartments', label: t('departments.subDepartments'), children: subCount },
        ]}
      />
    </Card>
  );
}

import { CheckCircleFilled } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Flex, Tag, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api';
import { DEPARTMENTS_READ, type OrganizationResponse } from '../../api-types';
import { LinkButton } from '../../components/LinkButton';
import { hasPermission, useSession } from '../../session';
import { useDepartments } from '../Departments/use-departments';

/** The part of GET /roles this card reads: who holds the built-in admin role. */
interface RoleCount {
  id: string;
  memberCount: number;
}

/**
 * What an admin does first in a new organization — build the tree, add or invite people, choose admins —
 * each ticked off from the organization as it is (more than the root department, more than one seat
 * taken, an admin besides the owner). Gone once all three are done.
 */
export function FirstRunChecklist({ organization }: { organization: OrganizationResponse['organization'] }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const api = useApi();
  const { organizations } = useSession();
  const summary = organizations.find((org) => org.id === organization.id);
  const departments = useDepartments(organization.id, hasPermission(summary, DEPARTMENTS_READ));
  const roles = useQuery({
    queryKey: ['orgs', organization.id, 'roles'],
    queryFn: ({ signal }) =>
      api.get<{ items: RoleCount[] }>(
        `/orgs/${encodeURIComponent(organization.id)}/roles`,
        undefined,
        signal,
      ),
    retry: false,
    staleTime: 60_000,
  });
  if (!departments.data || !roles.data) return null;

  const base = `/orgs/${encodeURIComponent(organization.id)}`;
  // The owner holds the owner role, not admin: any admin is someone besides the owner.
  const admins = roles.data.items.find((role) => role.id === 'admin')?.memberCount ?? 0;
  const steps = [
    {
      key: 'tree',
      title: t('overview.stepTree'),
      help: t('overview.stepTreeHelp', { name: organization.name }),
      done: departments.data.length > 1,
      to: `${base}/departments`,
      action: t('overview.stepOpen'),
    },
    {
      key: 'people',
      title: t('overview.stepPeople'),
      help: t('overview.stepPeopleHelp'),
      done: organization.seatsUsed > 1,
      to: `${base}/departments`,
      action: t('overview.stepOpen'),
    },
    {
      key: 'admins',
      title: t('overview.stepAdmins'),
      help: t('overview.stepAdminsHelp'),
      done: admins > 0,
      to: `${base}/roles`,
      action: t('overview.stepRoles'),
    },
  ];
  if (steps.every((step) => step.done)) return null;

  return (
    <Card title={t('overview.firstRunTitle')}>
      <Typography.Paragraph type="secondary">{t('overview.firstRunDescription')}</Typography.Paragraph>
      <ul aria-label={t('overview.firstRunTitle')} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {steps.map((step) => (
          <li
            key={step.key}
            aria-label={`${step.title}: ${step.done ? t('overview.stepDone') : step.help}`}
            style={{ padding: '12px 0', borderTop: `1px solid ${token.colorSplit}` }}
          >
            <Flex gap={12} align="center" justify="space-between" wrap>
              <Flex gap={12} align="center">
                <CheckCircleFilled
                  aria-hidden
                  style={{ fontSize: 20, color: step.done ? token.colorSuccess : token.colorTextQuaternary }}
                />
                <div>
                  <Typography.Text strong>{step.title}</Typography.Text>
                  <br />
                  <Typography.Text type="secondary">{step.help}</Typography.Text>
                </div>
              </Flex>
              {step.done ? (
                <Tag color="green">{t('overview.stepDone')}</Tag>
              ) : (
                <LinkButton to={step.to}>{step.action}</LinkButton>
              )}
            </Flex>
          </li>
        ))}
      </ul>
    </Card>
  );
}

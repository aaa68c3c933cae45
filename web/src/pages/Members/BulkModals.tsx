import { Alert, Form, Input, Modal, Radio, Typography } from 'antd';
import { useLayoutEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { MemberFilter } from '../../../../src/features/members/members.batch.schemas.js';
import { useApi } from '../../api';
import {
  type Department,
  MEMBERS_MANAGE,
  type MemberBatchResponse,
  type MemberSummary,
  type TaskDetails,
  type TaskView,
} from '../../api-types';
import { useDepartmentReach } from '../../session';
import { DepartmentSelect } from './DepartmentsInput';
import { optionalText } from './member-fields';
import { ActiveMemberSelect } from './RemoveMemberModal';
import { useMemberForm } from './use-member-form';
import { membersPath } from './use-members';

/** The bulk bar's actions that go through the member batch routes. */
export type BulkStatusAction = 'disable' | 'enable' | 'remove';
type PlacementAction = 'set_primary_department' | 'add_department' | 'set_position' | 'set_work_location';
const PLACEMENT_ACTIONS: readonly PlacementAction[] = [
  'set_primary_department',
  'add_department',
  'set_position',
  'set_work_location',
];

/** Each member with the version the admin saw: a row that changed since is refused as stale. */
const entries = (members: readonly MemberSummary[]) =>
  members.map((member) => ({ id: member.id, version: member.version }));

/** "Select all N matching": every member of the table's filter, acted on as a task. */
interface Everyone {
  count: number;
  filter: MemberFilter;
}

type Answer = MemberBatchResponse | TaskDetails;

/**
 * Sends a batch of the chosen members, or — all matching — the same change over the filter as a task
 * (`…/batch/<family>/task`); the answer goes to `onResult` or `onTask`.
 */
function useBatchSend(
  orgId: string,
  family: 'status' | 'placement',
  members: readonly MemberSummary[],
  everyone: Everyone | undefined,
) {
  const api = useApi();
  return (change: Record<string, unknown>): Promise<Answer> =>
    everyone
      ? api.post<TaskDetails>(`${membersPath(orgId)}/batch/${family}/task`, {
          ...change,
          filter: everyone.filter,
        })
      : api.post<MemberBatchResponse>(`${membersPath(orgId)}/batch/${family}`, {
          ...change,
          members: entries(members),
        });
}

const answered =
  (onResult: (answer: MemberBatchResponse) => void, onTask: (task: TaskView) => void) => (answer: Answer) =>
    'task' in answer ? onTask(answer.task) : onResult(answer);

interface PlacementValues {
  action: PlacementAction;
  departmentId?: string;
  position?: string;
  workLocation?: string;
}

/**
 * Edits the placement of the selected members: set their primary department, add a department, set a
 * position (in a department or each one's primary), or the work location. The rest of each member's
 * departments stays as it is; the server builds each list from the member's own.
 */
export function BulkPlacementModal({
  orgId,
  members,
  everyone,
  departments,
  onClose,
  onResult,
  onTask,
}: {
  orgId: string;
  members: MemberSummary[] | null;
  everyone?: Everyone;
  departments: Department[];
  onClose: () => void;
  onResult: (answer: MemberBatchResponse) => void;
  onTask: (task: TaskView) => void;
}) {
  const { t } = useTranslation();
  const send = useBatchSend(orgId, 'placement', members ?? [], everyone);
  const reach = useDepartmentReach(orgId, MEMBERS_MANAGE, departments);
  const { form, alert, save, reset } = useMemberForm<PlacementValues, Answer>({
    orgId,
    errors: {
      fields: ['departmentId', 'position', 'workLocation'],
      codes: { 'member.batch_field_required': 'departmentId' },
    },
    send: (values) => {
      const withDepartment = values.action !== 'set_work_location';
      const position = optionalText(values.position) ?? null;
      return send({
        action: values.action,
        ...(withDepartment && values.departmentId ? { departmentId: values.departmentId } : {}),
        ...(values.action === 'set_position' ? { position } : {}),
        ...(withDepartment && values.action !== 'set_position' && position ? { position } : {}),
        ...(values.action === 'set_work_location'
          ? { workLocation: optionalText(values.workLocation) ?? null }
          : {}),
      });
    },
    onSaved: answered(onResult, onTask),
  });
  const action = Form.useWatch('action', form) ?? 'set_primary_department';

  useLayoutEffect(() => {
    if (members) reset({ action: 'set_primary_department' });
  }, [members, reset]);

  const needsDepartment = action === 'set_primary_department' || action === 'add_department';
  return (
    <Modal
      open={members !== null}
      title={t('members.bulk.placementTitle', { count: everyone?.count ?? members?.length ?? 0 })}
      width={560}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      {everyone ? <TaskNote /> : null}
      <Form form={form} name="bulk-placement" layout="vertical" onFinish={(values) => save.mutate(values)}>
        <Form.Item
          name="action"
          label={t('members.bulk.change')}
          extra={t(`members.bulk.placementHelp.${action}`)}
        >
          <Radio.Group
            options={PLACEMENT_ACTIONS.map((value) => ({
              value,
              label: t(`members.bulk.placement.${value}`),
            }))}
          />
        </Form.Item>
        {action !== 'set_work_location' ? (
          <Form.Item
            name="departmentId"
            label={needsDepartment ? t('members.bulk.department') : t('members.bulk.inDepartment')}
            rules={needsDepartment ? [{ required: true, message: t('members.bulk.departmentRequired') }] : []}
          >
            <DepartmentSelect
              departments={departments}
              allowed={reach.whole ? undefined : reach.covers}
              placeholder={needsDepartment ? undefined : t('members.bulk.primaryByDefault')}
            />
          </Form.Item>
        ) : null}
        {action !== 'set_work_location' ? (
          <Form.Item
            name="position"
            label={action === 'set_position' ? t('members.position') : t('members.bulk.positionOptional')}
          >
            <Input maxLength={50} showCount />
          </Form.Item>
        ) : (
          <Form.Item name="workLocation" label={t('members.workLocation')}>
            <Input maxLength={100} showCount />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

interface StatusValues {
  successorId?: string;
  reason?: string;
}

/**
 * Disables, enables or removes the selected members after saying what will happen. Removing names one
 * successor for the batch, required when a selected member heads a department.
 */
export function BulkStatusModal({
  orgId,
  action,
  members,
  everyone,
  departments,
  onClose,
  onResult,
  onTask,
}: {
  orgId: string;
  action: BulkStatusAction | null;
  members: MemberSummary[];
  everyone?: Everyone;
  departments: readonly Department[];
  onClose: () => void;
  onResult: (answer: MemberBatchResponse) => void;
  onTask: (task: TaskView) => void;
}) {
  const { t } = useTranslation();
  const send = useBatchSend(orgId, 'status', members, everyone);
  const { form, alert, save, reset } = useMemberForm<StatusValues, Answer>({
    orgId,
    errors: {
      fields: ['successorId', 'reason'],
      codes: { 'member.batch_successor_in_batch': 'successorId', 'member.handover_invalid': 'successorId' },
    },
    send: (values) =>
      send({
        action,
        ...(action === 'remove' && values.successorId ? { successorId: values.successorId } : {}),
        ...(optionalText(values.reason) ? { reason: optionalText(values.reason) } : {}),
      }),
    onSaved: answered(onResult, onTask),
  });

  useLayoutEffect(() => {
    if (action) reset();
  }, [action, reset]);

  const ids = members.map((member) => member.id);
  const headed = departments.filter((department) =>
    department.heads.some((head) => ids.includes(head.memberId)),
  );
  const names = headed.map((department) => department.name).join(t('members.remove.listSeparator'));
  const removing = action === 'remove';
  return (
    <Modal
      open={action !== null}
      title={
        action ? t(`members.bulk.statusTitle.${action}`, { count: everyone?.count ?? members.length }) : ''
      }
      okText={action ? t(`members.actions.${action}`) : ''}
      okButtonProps={{ danger: action !== 'enable' }}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {alert ? <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} /> : null}
      {action ? <Typography.Paragraph>{t(`members.bulk.statusText.${action}`)}</Typography.Paragraph> : null}
      {everyone ? <TaskNote /> : null}
      <Form form={form} name="bulk-status" layout="vertical" onFinish={(values) => save.mutate(values)}>
        {removing && headed.length > 0 ? (
          <Alert
            type="warning"
            showIcon
            title={t('members.bulk.heads', { names })}
            style={{ marginBottom: 16 }}
          />
        ) : null}
        {removing ? (
          <Form.Item
            name="successorId"
            label={headed.length > 0 ? t('members.remove.handOverTo') : t('members.bulk.successorOptional')}
            rules={
              headed.length > 0 ? [{ required: true, message: t('members.remove.handOverRequired') }] : []
            }
          >
            <ActiveMemberSelect orgId={orgId} exclude={ids} />
          </Form.Item>
        ) : null}
        <Form.Item name="reason" label={t('members.bulk.reason')}>
          <Input.TextArea maxLength={200} showCount rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** What "all matching" changes in a dialog: the work goes to the task center, member by member. */
function TaskNote() {
  const { t } = useTranslation();
  return <Alert type="info" showIcon title={t('members.bulk.taskNote')} style={{ marginBottom: 16 }} />;
}

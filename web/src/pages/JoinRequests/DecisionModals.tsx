import { Alert, Form, Input, Modal, Radio } from 'antd';
import { useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { APPROVALS_MANAGE, type Department } from '../../api-types';
import { useDepartmentReach } from '../../session';
import type { DepartmentChoice } from '../Members/DepartmentsInput';
import { PlacementFields } from '../Members/member-fields';
import { departmentAssignments, useMemberChoices } from '../Members/use-member-form';

/** The people a decision is about: one request, or the rows chosen for a batch. */
export interface DecisionTarget {
  id: string;
  name: string;
  /** Where the request asks to be placed. */
  departments: DepartmentChoice[];
}

/** How an approval places people: as each asked, or where the approver says. */
export interface Placement {
  departments?: DepartmentChoice[];
  roles?: string[];
}

interface ApproveValues {
  mode: 'asked' | 'set';
  departments: DepartmentChoice[];
  roles: string[];
}

/**
 * Approves join requests with a placement: one request's own departments ready to change, or for a
 * batch, as each asked or all in the departments and roles chosen here.
 */
export function ApproveModal({
  orgId,
  targets,
  departments,
  busy,
  onApprove,
  onClose,
}: {
  orgId: string;
  targets: DecisionTarget[] | null;
  departments: Department[];
  busy: boolean;
  onApprove: (placement: Placement) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ApproveValues>();
  const { roles } = useMemberChoices(orgId, false);
  // Where an approver may place people: where it decides (the server checks approvals.manage).
  const reach = useDepartmentReach(orgId, APPROVALS_MANAGE, departments);
  const mode = Form.useWatch('mode', form);
  const single = targets?.length === 1 ? targets[0] : undefined;

  // The root, read as the dialog opens: the tree reloading meanwhile must not reset what was chosen.
  const rootRef = useRef<Department | undefined>(undefined);
  rootRef.current = departments.find((department) => department.isRoot);
  useLayoutEffect(() => {
    if (!targets) return;
    form.resetFields();
    const root = rootRef.current;
    const asked = targets[0]?.departments ?? [];
    form.setFieldsValue({
      mode: targets.length === 1 ? 'set' : 'asked',
      departments:
        asked.length > 0 ? asked : root ? [{ departmentId: root.id, position: null, isPrimary: true }] : [],
      roles: ['member'],
    });
  }, [targets, form]);

  return (
    <Modal
      open={targets !== null}
      title={
        single
          ? t('joinRequests.approveTitle', { name: single.name })
          : t('joinRequests.approveManyTitle', { count: targets?.length ?? 0 })
      }
      width={600}
      okText={t('members.actions.approve')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Alert type="info" showIcon title={t('joinRequests.approveHelp')} style={{ marginBottom: 16 }} />
      <Form
        form={form}
        name="approve-requests"
        layout="vertical"
        onFinish={(values) =>
          onApprove(
            values.mode === 'asked'
              ? {}
              : { departments: departmentAssignments(values.departments), roles: values.roles },
          )
        }
      >
        {single ? null : (
          <Form.Item name="mode" label={t('joinRequests.placement')}>
            <Radio.Group
              options={[
                { value: 'asked', label: t('joinRequests.placementAsked') },
                { value: 'set', label: t('joinRequests.placementSet') },
              ]}
            />
          </Form.Item>
        )}
        {mode === 'set' || single ? (
          <PlacementFields
            departments={departments}
            roles={roles}
            allowed={reach.whole ? undefined : reach.covers}
          />
        ) : null}
      </Form>
    </Modal>
  );
}

/** Rejects join requests, with an optional reason told to each person. */
export function RejectModal({
  targets,
  busy,
  onReject,
  onClose,
}: {
  targets: DecisionTarget[] | null;
  busy: boolean;
  onReject: (reason: string | undefined) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  useLayoutEffect(() => {
    if (targets) setReason('');
  }, [targets]);
  const single = targets?.length === 1 ? targets[0] : undefined;
  return (
    <Modal
      open={targets !== null}
      title={
        single
          ? t('joinRequests.rejectTitle', { name: single.name })
          : t('joinRequests.rejectManyTitle', { count: targets?.length ?? 0 })
      }
      okText={t('members.actions.reject')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => onReject(reason.trim() || undefined)}
      onCancel={onClose}
    >
      <Form layout="vertical" name="reject-requests">
        <Form.Item
          label={t('joinRequests.reason')}
          htmlFor="reject-reason"
          extra={t('joinRequests.reasonHelp')}
        >
          <Input.TextArea
            id="reject-reason"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            maxLength={200}
            showCount
            rows={3}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

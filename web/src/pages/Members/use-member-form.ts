import { useMutation } from '@tanstack/react-query';
import { App, Form, type FormInstance } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { type MemberSummary, OUT_OF_SCOPE } from '../../api-types';
import { type ErrorFieldMap, showFormError } from '../../form-errors';
import type { DepartmentChoice } from './DepartmentsInput';
import { optionalText } from './member-fields';
import { useMember, useMembersChanged } from './use-members';
import { type Option, useGroupOptions, useRoleOptions } from './use-role-options';

/** What a member dialog tells its form: how to send, where refusals go, what a success does. */
export interface MemberFormOptions<Values, Result> {
  orgId: string;
  /** The form's fields and the server codes that concern one of them. */
  errors: ErrorFieldMap;
  send: (values: Values) => Promise<Result>;
  /** Runs once the server took it and the member lists reloaded: closes the dialog or shows the outcome. */
  onSaved: (result: Result) => void;
  /** The message that confirms it, if any. */
  confirmation?: (result: Result) => string | undefined;
  /** A refusal the dialog answers itself (asking whom to hand departments to): true when it did. */
  intercept?: (error: ApiError) => boolean;
  /** After a refusal is shown, beside its field or above the form. */
  onRefused?: () => void;
}

/**
 * The set-up every member dialog shares: the form, the alert above it, and the save that sends the values,
 * reloads the member lists and confirms, or shows a refusal beside the field its code concerns. A stale
 * version reloads the member, so the next try sends the new one.
 */
export function useMemberForm<Values, Result>(options: MemberFormOptions<Values, Result>) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const changed = useMembersChanged(options.orgId);
  const { message } = App.useApp();
  const [alert, setAlert] = useState<string | null>(null);

  /** Starts the dialog afresh (on opening, not closing: that can land after the next opening). */
  const reset = useCallback(
    (values?: Parameters<FormInstance<Values>['setFieldsValue']>[0]) => {
      setAlert(null);
      form.resetFields();
      if (values) form.setFieldsValue(values);
    },
    [form],
  );

  const save = useMutation({
    mutationFn: options.send,
    onMutate: () => setAlert(null),
    onSuccess: async (result) => {
      await changed();
      options.onSaved(result);
      const confirmation = options.confirmation?.(result);
      if (confirmation) void message.success(confirmation);
    },
    onError: async (error) => {
      if (error instanceof ApiError && options.intercept?.(error)) return;
      if (error instanceof ApiError && error.code === 'member.stale') {
        await changed();
        setAlert(`${error.message} ${t('members.reloaded')}`);
      } else {
        const shown = showFormError(form, error, options.errors, t);
        // A scoped admin reaching past their departments: said as such, with the server's names.
        setAlert(
          shown && error instanceof ApiError && error.code === OUT_OF_SCOPE
            ? t('grants.outOfScopeAlert', { message: shown })
            : shown,
        );
      }
      options.onRefused?.();
    },
  });

  return { form, alert, save, reset };
}

/**
 * The choices of the add and edit dialogs: the org's roles and user groups. The owner role is never given
 * by a form: it shows (fixed) only on the owner's own row, which keeps it.
 */
export function useMemberChoices(orgId: string, holdsOwner: boolean): { roles: Option[]; groups: Option[] } {
  const roles = useRoleOptions(orgId)
    .filter((role) => role.value !== 'owner' || holdsOwner)
    .map((role) => ({ ...role, disabled: role.value === 'owner' }));
  return { roles, groups: useGroupOptions(orgId) };
}

/**
 * The version to send: the freshest one read. After a `member.stale` refusal the member reloads, so the
 * admin's second try carries the new version.
 */
export function useVersion(orgId: string, member: MemberSummary | null): number {
  const fresh = useMember(orgId, member?.id ?? null).data;
  return fresh?.version ?? member?.version ?? 1;
}

/** A member's departments as the departments field holds them. */
export function departmentChoices(member: Pick<MemberSummary, 'departments'>): DepartmentChoice[] {
  return member.departments.map((department) => ({
    departmentId: department.id,
    position: department.position,
    isPrimary: department.isPrimary,
  }));
}

/** The departments field as the API takes it: positions trimmed, an empty one none. */
export function departmentAssignments(choices: DepartmentChoice[]): DepartmentChoice[] {
  return choices.map((choice) => ({
    departmentId: choice.departmentId,
    position: optionalText(choice.position) ?? null,
    isPrimary: choice.isPrimary,
  }));
}

import { defineErrors } from '../../errors.js';

export const MemberErrors = defineErrors({
  'member.password_not_expected': {
    status: 400,
    en: 'A password is typed only with mode "set"; with mode "{mode}" Roster makes or sends it. Leave the password out, or choose "set".',
    zh: '只有在"set"模式下才填写密码；在"{mode}"模式下由 Roster 生成或发送。请不要填写密码，或选择"set"。',
  },
  'member.no_account': {
    status: 409,
    en: 'This person has not accepted the invitation yet, so there is no account to change. Edit the invitation, or resend it.',
    zh: '此人尚未接受邀请，还没有可修改的账号。请编辑邀请，或重新发送。',
  },
  'member.invitation_address_fixed': {
    status: 409,
    en: 'An invitation stays with the address it was sent to. Revoke it and invite the new address instead.',
    zh: '邀请只属于发送时的地址。请撤销该邀请，再邀请新的地址。',
  },
  'member.not_found': {
    status: 404,
    en: 'There is no such member in this organization. Reload the member list and pick it again.',
    zh: '该组织中没有这个成员。请刷新成员列表后重新选择。',
  },
  'member.stale': {
    status: 409,
    en: 'Someone changed this member after you opened it (now version {current}). Reload it, then make your change again.',
    zh: '在您打开后，该成员已被他人修改（当前版本{current}）。请刷新后重新修改。',
  },
  'member.limit_reached': {
    status: 409,
    en: 'The organization has reached its member limit of {limit} (invited members count too). Remove members or ask the operator to raise the limit.',
    zh: '组织已达到{limit}人的成员上限（已邀请的成员也计入）。请移除成员，或请运营管理员提高上限。',
  },
  'member.invalid_name': {
    status: 400,
    en: 'A name has 1 to 20 characters. Enter a non-empty, shorter name.',
    zh: '姓名为 1 到 20 个字符。请输入非空且更短的姓名。',
  },
  'member.contact_required': {
    status: 400,
    en: 'A managed account needs an email address or a mobile number (or both). Enter at least one.',
    zh: '托管账号需要邮箱或手机号（或两者）。请至少填写一项。',
  },
  'member.invalid_phone': {
    status: 400,
    en: 'This is not a valid mobile number. Enter it with its country code (+86 138 1234 5678), or as a number of the default region.',
    zh: '手机号无效。请带国家码填写（如 +86 138 1234 5678），或填写默认地区的号码。',
  },
  'member.invalid_account_name': {
    status: 400,
    en: 'An account name has 2 to 40 letters, digits, dots, dashes or underscores and starts with a letter or digit; the organization domain is added after it.',
    zh: '账号名为 2 到 40 个字母、数字、点、短横线或下划线，须以字母或数字开头；系统会在其后加上组织域名。',
  },
  'member.departments_required': {
    status: 400,
    en: 'Choose at least one department, and mark exactly one of them as primary.',
    zh: '请至少选择一个部门，并将其中恰好一个设为主部门。',
  },
  'member.department_duplicate': {
    status: 400,
    en: 'The same department is chosen twice. Choose each department once, with one position.',
    zh: '同一个部门被选择了两次。每个部门只能选择一次，并填写一个职位。',
  },
  'member.department_not_found': {
    status: 422,
    en: 'One of the chosen departments does not exist in this organization any more. Reload the tree and choose again.',
    zh: '所选部门中有一个已不在该组织中。请刷新部门树后重新选择。',
  },
  'member.role_not_found': {
    status: 422,
    en: 'The role "{role}" does not exist in this organization. Reload the roles and choose again.',
    zh: '该组织中没有角色"{role}"。请刷新角色列表后重新选择。',
  },
  'member.group_not_found': {
    status: 422,
    en: 'One of the chosen user groups does not exist in this organization. Reload the groups and choose again.',
    zh: '所选用户组中有一个不在该组织中。请刷新用户组后重新选择。',
  },
  'member.employee_id_taken': {
    status: 409,
    en: 'Another member of this organization already has employee ID "{employeeId}". Enter a different one.',
    zh: '该组织中已有成员使用工号"{employeeId}"。请换一个工号。',
  },
  'member.expiry_in_past': {
    status: 400,
    en: 'The expiration time must be in the future. Choose a later time, or leave it empty for no expiration.',
    zh: '到期时间必须晚于现在。请选择更晚的时间，或留空表示永不过期。',
  },
  'member.personal_fields': {
    status: 403,
    en: 'This member signs in with a personal account: only they can change its name, email and phone, on their own profile page. You can edit the organization fields.',
    zh: '该成员使用个人账号：只有本人能在个人资料页修改姓名、邮箱和手机号。您可以修改组织字段。',
  },
  'member.personal_password': {
    status: 403,
    en: 'This member signs in with a personal account: you cannot set its password. Send a reset link instead; it goes to their own email or phone.',
    zh: '该成员使用个人账号：您不能为其设置密码。请改为发送重置链接，链接将发送到其本人的邮箱或手机。',
  },
  'member.no_contact_for_link': {
    status: 409,
    en: 'This account has neither an email address nor a mobile number to send a reset link to. Set a password for it instead.',
    zh: '该账号既没有邮箱也没有手机号，无法发送重置链接。请改为直接设置密码。',
  },
  'member.self_change': {
    status: 403,
    en: 'You cannot change your own roles, departments or status. Ask another admin.',
    zh: '您不能修改自己的角色、部门或状态。请联系其他管理员。',
  },
  'member.not_active': {
    status: 409,
    en: 'Only active members can be disabled or have their password reset; this one is {statusName}.',
    zh: '只有正常状态的成员可以停用或重置密码；该成员当前为{statusName}。',
  },
  'member.not_disabled': {
    status: 409,
    en: 'Only disabled members can be enabled; this one is {statusName}.',
    zh: '只有已停用的成员可以启用；该成员当前为{statusName}。',
  },
  'member.expired_renew': {
    status: 409,
    en: 'This member was disabled because its expiration time passed. Renew it with a new expiration time instead of enabling it.',
    zh: '该成员因到期被停用。请设置新的到期时间进行续期，而不是直接启用。',
  },
  'member.not_renewable': {
    status: 409,
    en: 'Only active or disabled members can be renewed; this one is {statusName}.',
    zh: '只有正常或已停用的成员可以续期；该成员当前为{statusName}。',
  },
  'member.remove_needs_disabled': {
    status: 409,
    en: 'Only disabled members can be removed; this one is {statusName}. Disable it first.',
    zh: '只有已停用的成员可以移除；该成员当前为{statusName}。请先停用。',
  },
  'member.not_removed': {
    status: 409,
    en: 'Only removed members can be restored; this one is {statusName}.',
    zh: '只有已移除的成员可以恢复；该成员当前为{statusName}。',
  },
  'invitation.not_open': {
    status: 409,
    en: 'This is not an open invitation: the person is {statusName}. Only invited people can be sent their invitation again.',
    zh: '这不是待接受的邀请：此人当前为{statusName}。只有已邀请的人员可以重新发送邀请。',
  },
  'invitation.expired_reinvite': {
    status: 409,
    en: 'This invitation has expired. Re-invite the person: they get a new link, valid for 3 days.',
    zh: '该邀请已过期。请重新邀请：对方将收到有效期 3 天的新链接。',
  },
  'invitation.declined_reinvite': {
    status: 409,
    en: 'The person declined this invitation. Re-invite them if they should join after all.',
    zh: '对方已拒绝该邀请。如仍需对方加入，请重新邀请。',
  },
  'invitation.not_reinvitable': {
    status: 409,
    en: 'Only an expired or declined invitation can be re-invited; this person is {statusName}.',
    zh: '只有已过期或已拒绝的邀请可以重新邀请；此人当前为{statusName}。',
  },
  'request.not_pending': {
    status: 409,
    en: 'Only a pending join request can be approved or rejected; this person is {statusName}.',
    zh: '只有待审批的加入申请可以通过或驳回；此人当前为{statusName}。',
  },
  'request.rejected_reapprove': {
    status: 409,
    en: 'This request was rejected. Re-approve it to let the person join.',
    zh: '该申请已被驳回。如需让对方加入，请重新通过。',
  },
  'request.not_rejected': {
    status: 409,
    en: 'Only a rejected join request can be re-approved; this person is {statusName}.',
    zh: '只有已驳回的加入申请可以重新通过；此人当前为{statusName}。',
  },
  'member.delete_needs_not_joined': {
    status: 409,
    en: 'Only people who never joined (invited, expired, declined, pending or rejected) can be deleted; this member is {statusName}. Disable it, then remove it.',
    zh: '只有未加入的人员（已邀请、已过期、已拒绝、待审批或已驳回）可以删除；该成员当前为{statusName}。请先停用，再移除。',
  },
  'member.delete_disabled': {
    status: 409,
    en: 'This member joined the organization, so it is not deleted: its data stays. Remove it instead.',
    zh: '该成员已加入过组织，因此不能删除，其数据会保留。请改为移除。',
  },
  'member.delete_removed': {
    status: 409,
    en: 'This member is already removed; its account and data stay, and nothing is left to delete. Restore it if it should come back.',
    zh: '该成员已被移除，其账号和数据会保留，无需删除。如需恢复，请使用"恢复权限"。',
  },
  'member.email_taken': {
    status: 409,
    en: 'This email address belongs to another Roster account, so it cannot be the address of a managed account. Use another address; to bring that person in with their own account, invite them instead.',
    zh: '该邮箱已属于另一个 Roster 账号，不能用作托管账号的邮箱。请换一个邮箱；如需让此人以自己的账号加入，请改为邀请。',
  },
  'member.phone_taken': {
    status: 409,
    en: 'This mobile number belongs to another Roster account, so it cannot be the number of a managed account. Use another number; to bring that person in with their own account, invite them instead.',
    zh: '该手机号已属于另一个 Roster 账号，不能用作托管账号的手机号。请换一个号码；如需让此人以自己的账号加入，请改为邀请。',
  },
  'member.removed_read_only': {
    status: 409,
    en: 'A removed member cannot be edited. Restore it first.',
    zh: '已移除的成员不能编辑。请先恢复。',
  },
  'member.not_active_or_disabled': {
    status: 409,
    en: 'Only active or disabled members can change departments; this one is {statusName}.',
    zh: '只有正常或已停用的成员可以调整部门；该成员当前为{statusName}。',
  },
  'member.owner_protected': {
    status: 409,
    en: 'The owner of the organization cannot be disabled, removed or deleted.',
    zh: '组织所有者不能被停用、移除或删除。',
  },
  'member.owner_no_expiry': {
    status: 409,
    en: 'The owner of the organization cannot have an expiration time. Leave it empty.',
    zh: '组织所有者不能设置到期时间。请留空。',
  },
  'member.owner_role_fixed': {
    status: 409,
    en: 'The owner role cannot be given or taken away by editing roles; the owner keeps it.',
    zh: '所有者角色不能通过编辑角色授予或收回；所有者始终保留该角色。',
  },
  'member.last_admin': {
    status: 409,
    en: 'This is the last active admin of the organization, which must always keep one. Make another member an admin first.',
    zh: '这是组织中最后一位在职管理员，组织必须至少保留一位。请先将其他成员设为管理员。',
  },
  'member.handover_required': {
    status: 409,
    en: 'This member heads {departments, plural, one {# department. Name an active member to hand it over to.} other {# departments. Name an active member to hand them over to.}}',
    zh: '该成员是{departments}个部门的负责人。请指定一位在职成员进行交接。',
  },
  'member.handover_invalid': {
    status: 422,
    en: 'The member to hand over to must be another active member of this organization. Choose someone else.',
    zh: '交接对象必须是该组织中另一位在职成员。请重新选择。',
  },
  'member.restore_email_conflict': {
    status: 409,
    en: 'The email address {email} of this member now belongs to another account. Confirm that this is still the same person to restore it.',
    zh: '该成员的邮箱{email}现在属于另一个账号。请确认仍是同一人后再恢复。',
  },
  'member.batch_duplicate': {
    status: 400,
    en: 'A member is listed twice in the batch. Send each member once.',
    zh: '批量操作中有成员重复出现。每位成员只需提交一次。',
  },
  'member.batch_field_required': {
    status: 400,
    en: 'The action "{action}" needs "{field}". Add it and try again.',
    zh: '操作"{action}"需要填写"{field}"。请补充后重试。',
  },
  'member.batch_field_unexpected': {
    status: 400,
    en: '"{field}" has no meaning for the action "{action}". Leave it out and try again.',
    zh: '"{field}"不适用于操作"{action}"。请去掉后重试。',
  },
  'member.batch_successor_in_batch': {
    status: 422,
    en: 'The member to hand over to is one of the members being removed. Choose someone who stays, or take that member out of the selection.',
    zh: '交接对象也在本次要移除的成员之中。请选择一位留下的成员，或将其从所选成员中去掉。',
  },
  'member.batch_not_in_department': {
    status: 409,
    en: 'This member is not in that department, so it has no position there. Add the department first, or choose one of its departments.',
    zh: '该成员不在这个部门，因此在该部门没有职位。请先添加该部门，或选择其所在的部门。',
  },
  'member.batch_too_many_departments': {
    status: 409,
    en: 'This member is already in {max} departments, the most a member can be in. Take it out of one first.',
    zh: '该成员已在{max}个部门中，已达上限。请先将其移出一个部门。',
  },
});

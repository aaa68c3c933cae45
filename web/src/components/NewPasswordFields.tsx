import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { confirmRules, passwordRules } from '../validation';

/** A new password and its confirmation, checked as the server's policy checks them. */
export function NewPasswordFields({ name, label }: { name: string | string[]; label: string }) {
  const { t } = useTranslation();
  const path = Array.isArray(name) ? name : [name];
  const confirmName = [...path.slice(0, -1), 'confirm'];
  return (
    <>
      <Form.Item name={name} label={label} extra={t('passwordRules.summary')} rules={passwordRules(t)}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name={confirmName.length === 1 ? confirmName[0] : confirmName}
        label={t('account.confirmPassword')}
        dependencies={[name]}
        rules={confirmRules(t, name)}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}

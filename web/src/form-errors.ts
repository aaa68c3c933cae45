import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { ApiError } from './api';

/** A form field's name as antd writes it: `'login'` or `['owner', 'password']`. */
export type FieldName = string | (string | number)[];

export interface ErrorFieldMap {
  /** Every field of the form, so the `details.field` of a refusal (`'owner.name'`) can be matched to one. */
  fields: FieldName[];
  /** Error codes that concern one field, e.g. `'account.username_taken': ['owner', 'username']`. */
  codes?: Record<string, FieldName>;
  /** The field that `password.*` refusals concern. */
  password?: FieldName;
}

const RULE_KEYS = {
  'password.too_short': 'passwordRules.tooShort',
  'password.needs_letter_and_digit': 'passwordRules.needsLetterAndDigit',
  'password.has_space': 'passwordRules.hasSpace',
  'password.too_common': 'passwordRules.tooCommon',
  'password.contains_context': 'passwordRules.containsContext',
  'password.too_long': 'passwordRules.tooLong',
  'password.same_as_current': 'passwordRules.sameAsCurrent',
} as const;

function key(name: FieldName): string {
  return (Array.isArray(name) ? name : [name]).join('.');
}

/** The messages for a password refusal: each failed rule in the UI language, else the server's message. */
function passwordMessages(error: ApiError, t: TFunction): string[] {
  const rules = Array.isArray(error.details.rules) ? error.details.rules : [];
  const messages = rules
    .map((rule) =>
      typeof rule === 'string' && rule in RULE_KEYS ? t(RULE_KEYS[rule as keyof typeof RULE_KEYS]) : null,
    )
    .filter((message): message is string => message !== null);
  return messages.length > 0 ? messages : [error.message];
}

/** The form field a refusal concerns: by its code, as a password refusal, or by `details.field`. */
function fieldOf(error: ApiError, map: ErrorFieldMap): FieldName | undefined {
  const byCode = map.codes?.[error.code];
  if (byCode) return byCode;
  if (map.password && error.code.startsWith('password.')) return map.password;
  const field = typeof error.details.field === 'string' ? error.details.field : null;
  return field
    ? map.fields.find((name) => key(name) === field || key(name).endsWith(`.${field}`))
    : undefined;
}

/**
 * Shows a refused submission where it belongs: next to the field the error names (by code, as the
 * password rules, or by `details.field`), and otherwise returns the message for an Alert above the form.
 */
export function showFormError(
  form: FormInstance,
  error: unknown,
  map: ErrorFieldMap,
  t: TFunction,
): string | null {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const name = fieldOf(error, map);
  if (!name) return error.message;
  const errors = error.code.startsWith('password.') ? passwordMessages(error, t) : [error.message];
  form.setFields([{ name, errors }]);
  form.scrollToField(name, { block: 'center' });
  return null;
}

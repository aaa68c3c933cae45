import type { FormRule, InputProps } from 'antd';
import type { TFunction } from 'i18next';
import { MAX_PERSON_NAME } from '../../src/features/accounts/identifiers.js';
import { graphemeLength } from '../../src/text.js';

// The same limits as the server's schemas and rules (src/features/accounts, src/features/organizations).
/** An organization's name is its root department's name: the department's limit. */
const ORG_NAME_MAX = 50;
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,39}$/;
/** A domain name with at least one dot, such as acme.example. */
const DOMAIN_PATTERN = /^(?=.{3,100}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
/** A phone number as people type it: digits with an optional + or 00, spaces, dashes or brackets. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{5,24}$/;

/** The password policy the server enforces, as client-side checks with the same wording. */
export function passwordRules(t: TFunction): FormRule[] {
  return [
    { required: true, message: t('validation.passwordRequired') },
    {
      validator: async (_rule, value: string | undefined) => {
        if (!value) return;
        const length = [...value].length;
        if (length < PASSWORD_MIN) throw new Error(t('passwordRules.tooShort'));
        if (length > PASSWORD_MAX) throw new Error(t('passwordRules.tooLong'));
        if (!/\p{L}/u.test(value) || !/\p{Nd}/u.test(value))
          throw new Error(t('passwordRules.needsLetterAndDigit'));
        if (/\s/u.test(value)) throw new Error(t('passwordRules.hasSpace'));
      },
    },
  ];
}

/** "Confirm password" must repeat the field named `passwordField`. */
export function confirmRules(t: TFunction, passwordField: string | string[]): FormRule[] {
  return [
    { required: true, message: t('validation.confirmRequired') },
    ({ getFieldValue }) => ({
      validator: async (_rule, value: string | undefined) => {
        if (value && value !== getFieldValue(passwordField)) throw new Error(t('validation.confirmMismatch'));
      },
    }),
  ];
}

/** A person's name: 1 to 20 characters as people count them (张三 is 2), the server's rule and module. */
export function nameRules(t: TFunction): FormRule[] {
  return [
    { required: true, whitespace: true, message: t('validation.nameRequired') },
    {
      validator: async (_rule, value: string | undefined) => {
        if (value && graphemeLength(value.trim()) > MAX_PERSON_NAME)
          throw new Error(t('validation.tooLong', { max: MAX_PERSON_NAME }));
      },
    },
  ];
}

/** The counter under a person's name field: "2 / 20", counted as the server counts (an emoji is one). */
export const NAME_COUNT: InputProps['count'] = { show: true, max: MAX_PERSON_NAME, strategy: graphemeLength };

/** A username: 3–40 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit. */
export function usernameRules(t: TFunction): FormRule[] {
  return [
    { required: true, whitespace: true, message: t('validation.usernameRequired') },
    {
      validator: async (_rule, value: string | undefined) => {
        if (value && !USERNAME_PATTERN.test(value.trim().toLowerCase())) {
          throw new Error(t('validation.usernameInvalid'));
        }
      },
    },
  ];
}

/** An organization's name: 1 to 50 characters as people count them, trimmed. */
export function orgNameRules(t: TFunction): FormRule[] {
  return [
    { required: true, whitespace: true, message: t('validation.orgNameRequired') },
    {
      validator: async (_rule, value: string | undefined) => {
        if (value && graphemeLength(value.trim()) > ORG_NAME_MAX)
          throw new Error(t('validation.tooLong', { max: ORG_NAME_MAX }));
      },
    },
  ];
}

/** An organization domain, compared in lowercase as the server stores it. */
export function domainRules(t: TFunction): FormRule[] {
  return [
    { required: true, whitespace: true, message: t('validation.domainRequired') },
    {
      validator: async (_rule, value: string | undefined) => {
        if (value?.trim() && !DOMAIN_PATTERN.test(value.trim().toLowerCase())) {
          throw new Error(t('validation.domainInvalid'));
        }
      },
    },
  ];
}

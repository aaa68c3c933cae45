import type { TFunction } from 'i18next';
import en from '../../locales/en.json';

// The English catalogue lists every event the console names: both catalogues hold the same keys.
const EVENTS = en.audit.events;
type Events = typeof EVENTS;
/** A target type the log names in words. */
export type TargetType = keyof Events;
/** An audit event the console names in words: `member.disabled`. */
type KnownAction = { [G in TargetType]: `${G}.${keyof Events[G] & string}` }[TargetType];

const TARGET_TYPES: readonly TargetType[] = [
  'member',
  'department',
  'group',
  'role',
  'organization',
  'account',
  'api_token',
  'invitation',
  'join',
  'delivery',
  'import',
  'bulk',
  'task',
  'webhook',
];

/** Every event the log may hold, by the type of its target, as the filter offers them. */
export function eventOptions(t: TFunction) {
  return TARGET_TYPES.map((type) => ({
    label: t(`audit.targets.${type}`),
    title: t(`audit.targets.${type}`),
    options: [
      { value: `${type}.`, label: t(`audit.eventGroups.${type}`) },
      ...Object.keys(EVENTS[type]).map((name) => {
        const action = `${type}.${name}` as KnownAction;
        return { value: action, label: t(`audit.events.${action}`) };
      }),
    ],
  }));
}

const isTargetType = (value: string): value is TargetType => (TARGET_TYPES as string[]).includes(value);

/** An event's name in words; an action the console does not know yet shows its code. */
export function eventName(t: TFunction, action: string): string {
  const [type = '', name = ''] = action.split('.');
  return isTargetType(type) && name in EVENTS[type] ? t(`audit.events.${action as KnownAction}`) : action;
}

/** A target type in words, or its code when unknown. */
export function targetTypeName(t: TFunction, type: string): string {
  return isTargetType(type) ? t(`audit.targets.${type}`) : type;
}

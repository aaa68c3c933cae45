import type { ConfigProviderProps } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
// The date picker takes month and weekday names from dayjs's locale data: Chinese needs it loaded.
import 'dayjs/locale/zh-cn';
import { toLocale } from './i18n';

type Locale = NonNullable<ConfigProviderProps['locale']>;

/** Ant Design's own texts (pagination, date picker, empty states) in the UI language. */
export function antdLocale(language: string): Locale {
  return toLocale(language) === 'zh-CN' ? zhCN : enUS;
}

import type { ConfigProviderProps } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { toLocale } from './i18n';

type Locale = NonNullable<ConfigProviderProps['locale']>;

// The date picker takes weekday and month names from dayjs's locale data, which the console does not
// load (dayjs is antd's dependency, not ours); give the Chinese names here instead.
const zhCNWithCalendarNames: Locale = {
  ...zhCN,
  DatePicker: zhCN.DatePicker && {
    ...zhCN.DatePicker,
    lang: {
      ...zhCN.DatePicker.lang,
      shortWeekDays: ['日', '一', '二', '三', '四', '五', '六'],
      shortMonths: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
    },
  },
};

/** Ant Design's own texts (pagination, date picker, empty states) in the UI language. */
export function antdLocale(language: string): Locale {
  return toLocale(language) === 'zh-CN' ? zhCNWithCalendarNames : enUS;
}

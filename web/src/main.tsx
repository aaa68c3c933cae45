import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import { BrowserRouter } from 'react-router-dom';
import { antdLocale } from './antd-locale';
import { ApiError } from './api';
import { returnFocusToMenuButtons } from './components/menu-focus';
import { useMediaQuery } from './components/use-media-query';
import { AppRoutes } from './routes';
import './i18n';
import 'antd/dist/reset.css';
import './console.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) will not change on retry; a network blip or a 5xx may.
      retry: (failures, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      refetchOnWindowFocus: false,
    },
  },
});

/**
 * antd's defaults fail WCAG AA contrast (4.5:1): its blue #1677ff is 4.10:1 on white, its tertiary grey
 * #8c8c8c 3.36:1. These keep every text colour at 4.5:1 or more on white and on the light fills it sits on
 * (#f5f5f5 page background, #e6f4ff selected item); hover and pressed go darker, not lighter, to stay so.
 */
const THEME_TOKENS = {
  borderRadius: 6,
  // antd blue-7: 6.16:1 on white, 5.65:1 on #f5f5f5, 5.50:1 on #e6f4ff; white text on it 6.16:1.
  colorPrimary: '#0958d9',
  colorInfo: '#0958d9',
  // blue-8 (8.97:1 on white) and blue-9 (12.08:1).
  colorPrimaryHover: '#003eb3',
  colorPrimaryActive: '#002c8c',
  colorLinkHover: '#003eb3',
  colorLinkActive: '#002c8c',
  // Descriptions, hints, table captions: 5.74:1 on white, 5.27:1 on #f5f5f5, 4.69:1 on #e8e8e8.
  colorTextTertiary: '#666666',
  colorTextDescription: '#666666',
  // 4.95:1 on white, 4.54:1 on #f5f5f5. Disabled text stays faint: WCAG exempts it.
  colorTextPlaceholder: '#707070',
};

/**
 * Coloured tags (member status, audit actions) write in their palette's 7th shade on its 1st; for these
 * hues that is under 4.5:1 (green 3.37, cyan 3.39, orange 3.34, volcano 4.37, gold 2.76, lime 2.48, yellow
 * 2.05), so their text takes a darker shade of the same hue. antd names each shade twice (`green7` and
 * `green-7`, one CSS variable): both are set.
 */
const TAG_TEXT: Record<string, string> = {
  green: '#237804', // green-8: 5.44:1 on #f6ffed
  cyan: '#006d75', // cyan-8: 5.82:1 on #e6fffb
  orange: '#ad4e00', // orange-8: 5.09:1 on #fff7e6
  volcano: '#ad2102', // volcano-8: 6.38:1 on #fff2e8
  gold: '#874d00', // gold-9: 6.53:1 on #fffbe6
  lime: '#3f6600', // lime-9: 6.62:1 on #fcffe6
  yellow: '#876800', // yellow-9: 5.15:1 on #feffe6
};
const TAG_TOKENS = Object.fromEntries(
  Object.entries(TAG_TEXT).flatMap(([hue, color]) => [
    [`${hue}7`, color],
    [`${hue}-7`, color],
  ]),
);

function Root() {
  const { i18n } = useTranslation();
  // Dialogs and drawers zoom and slide in; a person who asked their system for less motion gets none (WCAG 2.3.3).
  const reducedMotion = useMediaQuery('(prefers-reduced-motion: reduce)');
  return (
    <ConfigProvider
      locale={antdLocale(i18n.language)}
      // Two-character Chinese labels read as one word: "取消", never antd's default "取 消".
      button={{ autoInsertSpace: false }}
      theme={{ token: { ...THEME_TOKENS, ...TAG_TOKENS, motion: !reducedMotion } }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

returnFocusToMenuButtons(document);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);

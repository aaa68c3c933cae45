import { useSyncExternalStore } from 'react';

/** Below antd's `md` breakpoint (768 px) the console lays itself out for a phone. */
const PHONE_QUERY = '(max-width: 767.98px)';

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(PHONE_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/**
 * True on a phone-sized window, known from the first render (antd's `useBreakpoint` is empty until an
 * effect has run, which would flash the desk layout first); follows the window as it is resized.
 */
export function usePhoneLayout(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(PHONE_QUERY).matches);
}

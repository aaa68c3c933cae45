import { useSyncExternalStore } from 'react';

/**
 * Whether a CSS media query matches, known from the first render (antd's `useBreakpoint` is empty until an
 * effect has run, which would flash the wrong layout first); follows the window as it changes.
 */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
  );
}

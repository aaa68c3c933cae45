import { useMediaQuery } from './use-media-query';

/** True below antd's `md` breakpoint (768 px), where the console lays itself out for a phone. */
export function usePhoneLayout(): boolean {
  return useMediaQuery('(max-width: 767.98px)');
}

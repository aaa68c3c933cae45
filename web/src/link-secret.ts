import { useLocation } from 'react-router-dom';

/**
 * A secret handed out in a link (`/setup#code=…`, `/register/complete#token=…`). Links carry it in the
 * fragment, which browsers never send to a server, so it reaches no log or proxy.
 */
export function useLinkSecret(name: string): string {
  const location = useLocation();
  return new URLSearchParams(location.hash.slice(1)).get(name) ?? '';
}

import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { ApiError } from '../api';
import { usePrefetchPage } from '../first-load';
import { useMeQuery } from '../session';
import { FrameSkeleton, LoadError } from './LoadState';

/**
 * Renders its routes only for a signed-in account: signed-out visitors go to /sign-in (and come back),
 * and an account that must change its password is held on /change-password. What the page needs first
 * is asked for while the session is: the frame's skeleton shows meanwhile.
 */
export function RequireAuth() {
  const location = useLocation();
  const me = useMeQuery();
  usePrefetchPage(location.pathname, location.search);
  if (me.isPending) return <FrameSkeleton />;
  if (me.error) {
    if (me.error instanceof ApiError && me.error.code === 'auth.required') {
      const next = encodeURIComponent(location.pathname + location.search);
      return <Navigate to={`/sign-in?next=${next}`} replace />;
    }
    return (
      <div style={{ padding: 24 }}>
        <LoadError error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  }
  if (me.data.account.mustChangePassword && location.pathname !== '/change-password') {
    return <Navigate to="/change-password" replace />;
  }
  return <Outlet />;
}

import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorState, Loading } from '../components/QueryState';
import { useSession } from '../lib/session';

export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) {
    return (
      <main className="center-page">
        <Loading />
      </main>
    );
  }
  if (session.isError) {
    return (
      <main className="center-page">
        <ErrorState error={session.error} onRetry={() => void session.refetch()} />
      </main>
    );
  }
  if (!session.data) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

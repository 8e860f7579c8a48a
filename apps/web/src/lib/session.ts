/**
 * Who is signed in. Shared by every feature (role checks), so it lives in lib;
 * the login form itself is the auth feature.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, api, paths, setCsrfToken } from './api';
import type { Api } from './types';

export const sessionKey = ['session'] as const;

export async function getSession(): Promise<Api['Me'] | null> {
  try {
    const user = await api<Api['Me']>(paths.me);
    // Token-authenticated sessions have no CSRF token; keep one we already have.
    if (user.csrfToken) setCsrfToken(user.csrfToken);
    return user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export const sessionQueryOptions = () =>
  queryOptions({ queryKey: sessionKey, queryFn: getSession, staleTime: 60_000, retry: 1 });

export function useSession() {
  return useQuery(sessionQueryOptions());
}

/** True when the signed-in user may change things. Viewers see, but the server refuses them anyway. */
export function useCanEdit(): boolean {
  const { data } = useSession();
  return data?.role === 'admin';
}

export function useRole(): Api['Role'] | null {
  return useSession().data?.role ?? null;
}

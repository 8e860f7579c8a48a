/**
 * Who is signed in. Shared by every feature (role checks), so it lives in lib;
 * the login form itself is the auth feature.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError, api, paths, setCsrfToken } from './api';
import type { Api } from './types';

export const sessionKey = ['session'] as const;

/**
 * A sign that this browser has a session. The session cookie is httpOnly, so
 * the page cannot see it; without this mark every visit to the login page
 * would ask /auth/me, get the honest 401, and the browser would log it as a
 * failed request. Set while a user is signed in, removed on sign-out and on
 * any 401. Costs one extra sign-in for a session made before the mark existed.
 */
const SIGNED_IN_MARK = 'gatehouse.signedIn';

function markSignedIn(on: boolean): void {
  try {
    if (on) localStorage.setItem(SIGNED_IN_MARK, '1');
    else localStorage.removeItem(SIGNED_IN_MARK);
  } catch {
    // storage may be disabled: then the mark is never there, and every visit asks
  }
}

function maybeSignedIn(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_MARK) === '1';
  } catch {
    return true;
  }
}

export async function getSession(): Promise<Api['Me'] | null> {
  if (!maybeSignedIn()) return null;
  try {
    const user = await api<Api['Me']>(paths.me);
    // Token-authenticated sessions have no CSRF token; keep one we already have.
    if (user.csrfToken) setCsrfToken(user.csrfToken);
    return user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      markSignedIn(false);
      return null;
    }
    throw err;
  }
}

export const sessionQueryOptions = () =>
  queryOptions({ queryKey: sessionKey, queryFn: getSession, staleTime: 60_000, retry: 1 });

export function useSession() {
  const session = useQuery(sessionQueryOptions());
  // Follows the session query whoever sets it: login, logout, a 401 anywhere (App's SessionExpiry).
  const user = session.data;
  useEffect(() => {
    if (user !== undefined) markSignedIn(user !== null);
  }, [user]);
  return session;
}

/** True when the signed-in user may change things. Viewers see, but the server refuses them anyway. */
export function useCanEdit(): boolean {
  const { data } = useSession();
  return data?.role === 'admin';
}

export function useRole(): Api['Role'] | null {
  return useSession().data?.role ?? null;
}

import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../lib/errors';

/** What QueryState reads of a query; plain and infinite queries both have it. */
export type QueryStatus<T = unknown> = Pick<
  UseQueryResult<T>,
  'isPending' | 'isLoadingError' | 'isRefetchError' | 'error' | 'data' | 'refetch'
>;

/** Loading, error and empty states, the same on every page. */
export function QueryState<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: QueryStatus<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { t } = useTranslation();
  if (query.isPending) return <Loading />;
  if (query.isLoadingError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  // A failed refetch keeps the data on screen and says so above it.
  const data = query.data as T;
  return (
    <>
      {query.isRefetchError ? <p className="inline-error">{errorText(t, query.error)}</p> : null}
      {isEmpty?.(data) ? <p className="empty">{empty}</p> : children(data)}
    </>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </p>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="callout callout-error" role="alert">
      <strong>{t('errors.title')}</strong>
      <p>{errorText(t, error)}</p>
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

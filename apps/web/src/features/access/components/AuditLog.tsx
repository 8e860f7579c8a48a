import { useTranslation } from 'react-i18next';
import { ErrorState, Loading } from '../../../components/QueryState';
import { formatDateTime } from '../../../lib/format';
import { useAudit } from '../api/get-audit';

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail === 'string') return detail;
  const text = JSON.stringify(detail);
  return text === '{}' ? '' : text;
}

export function AuditLog() {
  const { t } = useTranslation();
  const audit = useAudit();
  const rows = audit.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="audit-title" className="panel">
      <h2 id="audit-title">{t('access.audit')}</h2>
      {audit.isPending ? (
        <Loading />
      ) : audit.isError ? (
        <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />
      ) : rows.length === 0 ? (
        <p className="empty">{t('access.auditEmpty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-dense">
            <caption className="visually-hidden">{t('access.audit')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('access.at')}</th>
                <th scope="col">{t('access.actor')}</th>
                <th scope="col">{t('access.action')}</th>
                <th scope="col">{t('access.target')}</th>
                <th scope="col">{t('access.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">
                    <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                  </td>
                  <td>{e.actor}</td>
                  <td className="mono">{e.action}</td>
                  <td className="mono">{e.target}</td>
                  <td className="mono small detail">{detailText(e.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {audit.hasNextPage ? (
            <button
              type="button"
              className="btn"
              disabled={audit.isFetchingNextPage}
              onClick={() => void audit.fetchNextPage()}
            >
              {audit.isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
            </button>
          ) : null}
        </div>
      )}
    </section>
  );
}

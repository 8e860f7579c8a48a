import { useTranslation } from 'react-i18next';
import { DataTable } from '../../../components/DataTable';
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
  return (
    <section aria-labelledby="audit-title" className="panel">
      <h2 id="audit-title">{t('access.audit')}</h2>
      <DataTable
        label={t('access.audit')}
        query={audit}
        pages={audit}
        rows={audit.data?.pages.flatMap((p) => p.items) ?? []}
        rowKey={(e) => e.id}
        empty={t('access.auditEmpty')}
        columns={[
          {
            key: 'at',
            header: t('access.at'),
            className: 'nowrap',
            cell: (e) => <time dateTime={e.at}>{formatDateTime(e.at)}</time>,
          },
          { key: 'actor', header: t('access.actor'), cell: (e) => e.actor },
          { key: 'action', header: t('access.action'), className: 'mono', cell: (e) => e.action },
          { key: 'target', header: t('access.target'), className: 'mono', cell: (e) => e.target },
          {
            key: 'detail',
            header: t('access.detail'),
            className: 'mono small detail',
            cell: (e) => detailText(e.detail),
          },
        ]}
      />
    </section>
  );
}

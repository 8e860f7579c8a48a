import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DataTable } from '../../../components/DataTable';
import { Field } from '../../../components/Field';
import { formatDateTime } from '../../../lib/format';
import { type AuditFilter, auditCsvUrl, useAudit } from '../api/get-audit';

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail === 'string') return detail;
  const text = JSON.stringify(detail);
  return text === '{}' ? '' : text;
}

/** Action families the server records; the filter also takes any other text. */
const ACTIONS = [
  'login',
  'login.failed',
  'logout',
  'user',
  'user.password',
  'token',
  'apply',
  'rollback',
  'config',
  'pair',
  'pair.failover',
  'pair.resume',
  'pair.degraded_apply',
  'pair.peer_refused',
];

interface FilterForm {
  actor: string;
  action: string;
  target: string;
  since: string;
  until: string;
}
const EMPTY: FilterForm = { actor: '', action: '', target: '', since: '', until: '' };

/** A datetime-local value is the browser's local time; the server wants an instant. */
const instant = (local: string): string | undefined => {
  if (!local) return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
};

const toFilter = (f: FilterForm): AuditFilter => ({
  actor: f.actor.trim() || undefined,
  action: f.action.trim() || undefined,
  target: f.target.trim() || undefined,
  since: instant(f.since),
  until: instant(f.until),
});

export function AuditLog() {
  const { t } = useTranslation();
  const actionsId = useId();
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>({});
  const audit = useAudit(filter);
  const set = (key: keyof FilterForm) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setFilter(toFilter(form));
  };
  const filtered = Object.values(filter).some((v) => v !== undefined);
  return (
    <section aria-labelledby="audit-title" className="panel">
      <h2 id="audit-title">{t('access.audit')}</h2>
      <form className="audit-filters" onSubmit={onSubmit} aria-label={t('access.auditFilters')}>
        <Field label={t('access.actor')}>
          {(p) => <input {...p} value={form.actor} maxLength={64} onChange={set('actor')} />}
        </Field>
        <Field label={t('access.action')}>
          {(p) => (
            <>
              <input
                {...p}
                className="mono"
                list={actionsId}
                value={form.action}
                maxLength={64}
                onChange={set('action')}
              />
              <datalist id={actionsId}>
                {ACTIONS.map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label={t('access.target')}>
          {(p) => <input {...p} className="mono" value={form.target} maxLength={256} onChange={set('target')} />}
        </Field>
        <Field label={t('access.since')}>
          {(p) => <input {...p} type="datetime-local" value={form.since} onChange={set('since')} />}
        </Field>
        <Field label={t('access.until')}>
          {(p) => <input {...p} type="datetime-local" value={form.until} onChange={set('until')} />}
        </Field>
        <div className="audit-filter-actions">
          <button type="submit" className="btn btn-primary">
            {t('access.filter')}
          </button>
          <button
            type="button"
            className="btn"
            disabled={!filtered && form === EMPTY}
            onClick={() => {
              setForm(EMPTY);
              setFilter({});
            }}
          >
            {t('access.clearFilter')}
          </button>
          <a className="btn" href={auditCsvUrl(filter)} download>
            {t('access.exportCsv')}
          </a>
        </div>
      </form>
      <DataTable
        label={t('access.audit')}
        query={audit}
        pages={audit}
        rows={audit.data?.pages.flatMap((p) => p.items) ?? []}
        rowKey={(e) => e.id}
        empty={filtered ? t('access.auditNoMatch') : t('access.auditEmpty')}
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

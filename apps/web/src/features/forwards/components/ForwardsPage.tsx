import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { DataTable } from '../../../components/DataTable';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { forwardColumns } from '../../../components/forward-columns';
import { PageHeader } from '../../../components/PageHeader';
import { QueryState } from '../../../components/QueryState';
import { EditDeleteActions } from '../../../components/RowActions';
import { formatBytes, formatNumber, toDate } from '../../../lib/format';
import { useCanEdit } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useBulkForwards } from '../api/bulk-forwards';
import { useDeleteForward } from '../api/delete-forward';
import { useForwardHits } from '../api/get-forward-hits';
import { useForwards } from '../api/get-forwards';
import { useToggleForward } from '../api/toggle-forward';
import { BulkBar } from './BulkBar';
import { ForwardForm } from './ForwardForm';
import { ImportPanel } from './ImportPanel';
import { type ListView, matches, paramsOf, SORT_KEYS, type SortKey, sortForwards, viewOf } from './sort-forwards';

/** Rows drawn at once; with more forwards than this the filter narrows the list. */
const MAX_ROWS = 500;

type Editing =
  | { mode: 'new' }
  | { mode: 'edit'; forward: Api['PortForward'] }
  | { mode: 'clone'; forward: Api['PortForward'] }
  | { mode: 'import' }
  | null;

/** The current forwards as a JSON file download (what import reads back). */
function download(forwards: readonly Api['PortForward'][]) {
  const blob = new Blob([`${JSON.stringify(forwards, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = 'gatehouse-forwards.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ForwardsPage() {
  const { t, i18n } = useTranslation();
  const canEdit = useCanEdit();
  const forwards = useForwards();
  const hits = useForwardHits();
  const toggle = useToggleForward();
  const remove = useDeleteForward();
  const bulk = useBulkForwards();
  const [params, setParams] = useSearchParams();
  const view = viewOf(params);
  const setView = (change: Partial<ListView>) => setParams(paramsOf({ ...view, ...change }), { replace: true });
  const [editing, setEditing] = useState<Editing>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);

  const list = forwards.data ?? [];
  const hitMap = hits.data;
  const shown = useMemo(() => {
    const filtered = list.filter((f) => matches(f, view.q));
    return sortForwards(filtered, view.sort, view.dir, (id) => hitMap?.get(id)?.packets ?? -1);
  }, [list, view.q, view.sort, view.dir, hitMap]);
  const rows = shown.slice(0, MAX_ROWS);
  const chosen = list.filter((f) => selected.has(f.id)).map((f) => f.id);
  const allShownChosen = rows.length > 0 && rows.every((f) => selected.has(f.id));

  const mutationError = toggle.error ?? remove.error ?? bulk.error;
  const cols = forwardColumns<Api['PortForward']>(t, {
    prefix: 'forwards.field',
    toggleLabel: (f) => t('forwards.toggle', { name: f.name }),
    canEdit,
    onToggle: (forward, enabled) => toggle.mutate({ forward, enabled }),
  });
  const since = (iso: string) => {
    const d = toDate(iso);
    return d
      ? new Intl.DateTimeFormat(i18n.language === 'ja' ? 'ja-JP' : 'en-GB', {
          day: 'numeric',
          month: 'short',
          hour: '2-digit',
          minute: '2-digit',
        }).format(d)
      : '';
  };

  const closeForm = (message: string | null) => {
    setEditing(null);
    setNotice(message);
    requestAnimationFrame(() => addRef.current?.focus());
  };

  const select = (ids: string[], on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });

  return (
    <section aria-labelledby="page-title" className="forwards-page">
      <PageHeader title={t('forwards.title')}>
        <button type="button" className="btn" disabled={list.length === 0} onClick={() => download(list)}>
          {t('forwards.export')}
        </button>
        {canEdit && !editing ? (
          <>
            <button type="button" className="btn" onClick={() => setEditing({ mode: 'import' })}>
              {t('forwards.import.open')}
            </button>
            <button ref={addRef} type="button" className="btn btn-primary" onClick={() => setEditing({ mode: 'new' })}>
              {t('forwards.add')}
            </button>
          </>
        ) : null}
      </PageHeader>
      {!canEdit ? <p className="callout callout-info">{t('common.readOnly')}</p> : null}
      <div aria-live="polite" className="notice-area">
        {notice ? <p className="callout callout-ok">{notice}</p> : null}
      </div>
      <ErrorCallout error={mutationError} />
      {editing?.mode === 'import' ? (
        <ImportPanel
          onDone={(r) =>
            closeForm(
              r ? t('forwards.import.done', { added: r.added, replaced: r.replaced, removed: r.removed }) : null,
            )
          }
        />
      ) : editing ? (
        <ForwardForm
          key={`${editing.mode}:${editing.mode === 'new' ? '' : editing.forward.id}`}
          initial={editing.mode === 'edit' ? editing.forward : null}
          copyOf={editing.mode === 'clone' ? editing.forward : null}
          others={list.filter((f) => editing.mode !== 'edit' || f.id !== editing.forward.id)}
          onDone={(saved) => closeForm(saved ? t('forwards.savedHint') : null)}
        />
      ) : null}
      <QueryState query={forwards} isEmpty={(d) => d.length === 0} empty={t('forwards.empty')}>
        {() => (
          <>
            <div className="toolbar forwards-toolbar">
              <span className="forwards-control">
                <label htmlFor="forward-filter">{t('forwards.filter')}</label>
                <input
                  id="forward-filter"
                  type="search"
                  value={view.q}
                  placeholder={t('forwards.filterPlaceholder')}
                  onChange={(e) => setView({ q: e.target.value })}
                />
              </span>
              <span className="forwards-control">
                <label htmlFor="forward-sort">{t('forwards.sort.label')}</label>
                <select
                  id="forward-sort"
                  value={view.sort}
                  onChange={(e) => setView({ sort: e.target.value as SortKey })}
                >
                  {SORT_KEYS.map((k) => (
                    <option key={k} value={k}>
                      {t(`forwards.sort.${k}`)}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="btn btn-small"
                  aria-pressed={view.dir === 'desc'}
                  onClick={() => setView({ dir: view.dir === 'desc' ? 'asc' : 'desc' })}
                >
                  {t('forwards.sort.descending')}
                </button>
              </span>
              <span className="muted" aria-live="polite">
                {t('forwards.count', { count: shown.length })}
              </span>
            </div>
            {canEdit && chosen.length > 0 ? (
              <BulkBar
                count={chosen.length}
                busy={bulk.isPending}
                onClear={() => setSelected(new Set())}
                onAction={(action) =>
                  bulk.mutate(
                    { action, ids: chosen },
                    {
                      onSuccess: (r) => {
                        if (action === 'delete') setSelected(new Set());
                        setNotice(t('forwards.bulk.done', { count: r.changed }));
                      },
                    },
                  )
                }
              />
            ) : null}
            <DataTable
              label={t('forwards.tableLabel')}
              rows={rows}
              rowKey={(f) => f.id}
              rowClassName={(f) => (f.enabled ? undefined : 'row-disabled')}
              empty={t('forwards.noMatch')}
              columns={[
                canEdit && {
                  key: 'select',
                  label: t('forwards.bulk.select'),
                  header: (
                    <input
                      type="checkbox"
                      aria-label={t('forwards.bulk.selectAll')}
                      checked={allShownChosen}
                      onChange={(e) =>
                        select(
                          rows.map((f) => f.id),
                          e.target.checked,
                        )
                      }
                    />
                  ),
                  cell: (f) => (
                    <input
                      type="checkbox"
                      aria-label={t('forwards.bulk.selectOne', { name: f.name })}
                      checked={selected.has(f.id)}
                      onChange={(e) => select([f.id], e.target.checked)}
                    />
                  ),
                },
                cols.enabled,
                cols.name,
                cols.protocol,
                {
                  key: 'publicPorts',
                  header: t('forwards.field.publicPorts'),
                  className: 'mono',
                  // An FTPS forward's passive range and a forward's own reflection setting show beside its ports.
                  cell: (f) => (
                    <>
                      {f.publicPorts}
                      {f.ftps ? (
                        <div className="small">
                          <span className="tag tag-info">
                            {t('ftpsReflection.tagFtps', { range: f.ftps.passivePorts })}
                          </span>
                        </div>
                      ) : null}
                      {f.reflection !== undefined ? (
                        <div className="small">
                          <span className="tag">
                            {t(f.reflection ? 'ftpsReflection.tagReflectionOn' : 'ftpsReflection.tagReflectionOff')}
                          </span>
                        </div>
                      ) : null}
                    </>
                  ),
                },
                {
                  key: 'target',
                  header: t('forwards.field.target'),
                  className: 'mono',
                  // The target port only when it differs from the public one.
                  cell: (f) => (f.targetPort === undefined ? f.target : `${f.target}:${f.targetPort}`),
                },
                cols.allowedSources,
                {
                  key: 'hits',
                  header: t('forwards.field.hits'),
                  cell: (f) => {
                    const h = hitMap?.get(f.id);
                    return h ? (
                      <span className="forward-hits" title={formatBytes(h.bytes)}>
                        {t('forwards.hits', { count: h.packets, n: formatNumber(h.packets) })}{' '}
                        <span className="forward-hits-since muted small">
                          {t('forwards.hitsSince', { since: since(h.since) })}
                        </span>
                      </span>
                    ) : (
                      <span className="muted">{t('forwards.noHits')}</span>
                    );
                  },
                },
                cols.comment,
                canEdit &&
                  cols.actions((f) => (
                    <EditDeleteActions
                      prefix="forwards"
                      name={f.name}
                      onEdit={() => setEditing({ mode: 'edit', forward: f })}
                      deleting={remove.isPending && remove.variables === f.id}
                      onDelete={() => remove.mutate(f.id, { onSuccess: () => setNotice(t('forwards.savedHint')) })}
                    >
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={t('forwards.cloneLabel', { name: f.name })}
                        onClick={() => setEditing({ mode: 'clone', forward: f })}
                      >
                        {t('forwards.clone')}
                      </button>
                    </EditDeleteActions>
                  )),
              ]}
            />
          </>
        )}
      </QueryState>
    </section>
  );
}

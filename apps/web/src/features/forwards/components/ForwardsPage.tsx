import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { DataTable } from '../../../components/DataTable';
import { PageHeader } from '../../../components/PageHeader';
import { QueryState } from '../../../components/QueryState';
import { errorText } from '../../../lib/errors';
import { useCanEdit } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useDeleteForward } from '../api/delete-forward';
import { useForwards } from '../api/get-forwards';
import { useToggleForward } from '../api/toggle-forward';
import { ForwardForm } from './ForwardForm';

/** Rows drawn at once; with more forwards than this the filter narrows the list. */
const MAX_ROWS = 500;

type Editing = { mode: 'new' } | { mode: 'edit'; forward: Api['PortForward'] } | null;

export function ForwardsPage() {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const forwards = useForwards();
  const toggle = useToggleForward();
  const remove = useDeleteForward();
  const [editing, setEditing] = useState<Editing>(null);
  const [filter, setFilter] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);

  const list = forwards.data ?? [];
  const filtered = useMemo(() => {
    const q = filter.trim().toLowerCase();
    if (!q) return list;
    return list.filter((f) =>
      [f.id, f.name, f.publicPorts, f.target, String(f.targetPort ?? ''), f.comment, f.protocol, ...f.allowedSources]
        .join(' ')
        .toLowerCase()
        .includes(q),
    );
  }, [list, filter]);

  const mutationError = toggle.error ?? remove.error;

  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('forwards.title')}>
        {canEdit && !editing ? (
          <button ref={addRef} type="button" className="btn btn-primary" onClick={() => setEditing({ mode: 'new' })}>
            {t('forwards.add')}
          </button>
        ) : null}
      </PageHeader>
      {!canEdit ? <p className="callout callout-info">{t('common.readOnly')}</p> : null}
      <div aria-live="polite" className="notice-area">
        {notice ? <p className="callout callout-ok">{notice}</p> : null}
      </div>
      {mutationError ? (
        <p className="callout callout-error" role="alert">
          {errorText(t, mutationError)}
        </p>
      ) : null}
      {editing ? (
        <ForwardForm
          key={editing.mode === 'edit' ? editing.forward.id : 'new'}
          initial={editing.mode === 'edit' ? editing.forward : null}
          others={list.filter((f) => editing.mode === 'new' || f.id !== editing.forward.id)}
          onDone={(saved) => {
            setEditing(null);
            setNotice(saved ? t('forwards.savedHint') : null);
            requestAnimationFrame(() => addRef.current?.focus());
          }}
        />
      ) : null}
      <QueryState query={forwards} isEmpty={(d) => d.length === 0} empty={t('forwards.empty')}>
        {() => (
          <>
            <div className="toolbar">
              <label htmlFor="forward-filter">{t('forwards.filter')}</label>
              <input
                id="forward-filter"
                type="search"
                value={filter}
                placeholder={t('forwards.filterPlaceholder')}
                onChange={(e) => setFilter(e.target.value)}
              />
              <span className="muted">{t('forwards.count', { count: filtered.length })}</span>
            </div>
            <DataTable
              label={t('forwards.tableLabel')}
              rows={filtered.slice(0, MAX_ROWS)}
              rowKey={(f) => f.id}
              rowClassName={(f) => (f.enabled ? undefined : 'row-disabled')}
              empty={t('forwards.noMatch')}
              columns={[
                {
                  key: 'enabled',
                  header: t('forwards.field.enabled'),
                  cell: (f) => (
                    <input
                      type="checkbox"
                      role="switch"
                      aria-checked={f.enabled}
                      aria-label={t('forwards.toggle', { name: f.name })}
                      checked={f.enabled}
                      disabled={!canEdit}
                      onChange={(e) => toggle.mutate({ forward: f, enabled: e.target.checked })}
                    />
                  ),
                },
                {
                  key: 'name',
                  header: t('forwards.field.name'),
                  rowHeader: true,
                  cell: (f) => (
                    <>
                      {f.name}
                      <div className="mono muted small">{f.id}</div>
                    </>
                  ),
                },
                {
                  key: 'protocol',
                  header: t('forwards.field.protocol'),
                  className: 'mono',
                  cell: (f) => t(`forwards.protocol.${f.protocol}`),
                },
                {
                  key: 'publicPorts',
                  header: t('forwards.field.publicPorts'),
                  className: 'mono',
                  cell: (f) => f.publicPorts,
                },
                { key: 'target', header: t('forwards.field.target'), className: 'mono', cell: (f) => f.target },
                {
                  key: 'targetPort',
                  header: t('forwards.field.targetPort'),
                  className: 'mono',
                  cell: (f) => f.targetPort ?? <span className="muted">{t('forwards.samePort')}</span>,
                },
                {
                  key: 'allowedSources',
                  header: t('forwards.field.allowedSources'),
                  className: 'mono',
                  cell: (f) =>
                    f.allowedSources.length ? (
                      f.allowedSources.join(', ')
                    ) : (
                      <span className="muted">{t('forwards.anySource')}</span>
                    ),
                },
                { key: 'comment', header: t('forwards.field.comment'), cell: (f) => f.comment },
                canEdit && {
                  key: 'actions',
                  header: t('common.actions'),
                  className: 'actions',
                  cell: (f) => (
                    <>
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={t('forwards.editLabel', { name: f.name })}
                        onClick={() => setEditing({ mode: 'edit', forward: f })}
                      >
                        {t('common.edit')}
                      </button>
                      <ConfirmButton
                        label={t('common.delete')}
                        ariaLabel={t('forwards.deleteLabel', { name: f.name })}
                        question={t('forwards.deleteConfirm', { name: f.name })}
                        confirmLabel={t('common.delete')}
                        busy={remove.isPending && remove.variables === f.id}
                        onConfirm={() => remove.mutate(f.id, { onSuccess: () => setNotice(t('forwards.savedHint')) })}
                      />
                    </>
                  ),
                },
              ]}
            />
          </>
        )}
      </QueryState>
    </section>
  );
}

import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { PageHeader } from '../../../components/PageHeader';
import { ErrorState, Loading } from '../../../components/QueryState';
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
      {forwards.isPending ? (
        <Loading />
      ) : forwards.isError ? (
        <ErrorState error={forwards.error} onRetry={() => void forwards.refetch()} />
      ) : list.length === 0 ? (
        <p className="empty">{t('forwards.empty')}</p>
      ) : (
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
          {filtered.length === 0 ? (
            <p className="empty">{t('forwards.noMatch')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table table-dense">
                <caption className="visually-hidden">{t('forwards.tableLabel')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('forwards.field.enabled')}</th>
                    <th scope="col">{t('forwards.field.name')}</th>
                    <th scope="col">{t('forwards.field.protocol')}</th>
                    <th scope="col">{t('forwards.field.publicPorts')}</th>
                    <th scope="col">{t('forwards.field.target')}</th>
                    <th scope="col">{t('forwards.field.targetPort')}</th>
                    <th scope="col">{t('forwards.field.allowedSources')}</th>
                    <th scope="col">{t('forwards.field.comment')}</th>
                    {canEdit ? <th scope="col">{t('common.actions')}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {filtered.slice(0, MAX_ROWS).map((f) => (
                    <tr key={f.id} className={f.enabled ? undefined : 'row-disabled'}>
                      <td>
                        <input
                          type="checkbox"
                          role="switch"
                          aria-checked={f.enabled}
                          aria-label={t('forwards.toggle', { name: f.name })}
                          checked={f.enabled}
                          disabled={!canEdit}
                          onChange={(e) => toggle.mutate({ forward: f, enabled: e.target.checked })}
                        />
                      </td>
                      <th scope="row">
                        {f.name}
                        <div className="mono muted small">{f.id}</div>
                      </th>
                      <td className="mono">{t(`forwards.protocol.${f.protocol}`)}</td>
                      <td className="mono">{f.publicPorts}</td>
                      <td className="mono">{f.target}</td>
                      <td className="mono">
                        {f.targetPort ?? <span className="muted">{t('forwards.samePort')}</span>}
                      </td>
                      <td className="mono">
                        {f.allowedSources.length ? (
                          f.allowedSources.join(', ')
                        ) : (
                          <span className="muted">{t('forwards.anySource')}</span>
                        )}
                      </td>
                      <td>{f.comment}</td>
                      {canEdit ? (
                        <td className="actions">
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
                            onConfirm={() =>
                              remove.mutate(f.id, { onSuccess: () => setNotice(t('forwards.savedHint')) })
                            }
                          />
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

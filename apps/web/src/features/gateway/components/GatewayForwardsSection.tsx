import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { DataTable } from '../../../components/DataTable';
import { QueryState } from '../../../components/QueryState';
import { errorText } from '../../../lib/errors';
import { useCanEdit } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useDeleteGatewayForward } from '../api/delete-gateway-forward';
import { useGatewayForwards } from '../api/get-gateway-forwards';
import { useToggleGatewayForward } from '../api/toggle-gateway-forward';
import { GatewayForwardForm } from './GatewayForwardForm';
import { SavedNotice } from './SavedNotice';

type Editing = { mode: 'new' } | { mode: 'edit'; forward: Api['GatewayForward'] } | null;

/** Public ports forwarded to services on the gateway itself: the way back in (e.g. 2222 -> ssh on 22). */
export function GatewayForwardsSection() {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const list = useGatewayForwards();
  const toggle = useToggleGatewayForward();
  const remove = useDeleteGatewayForward();
  const [editing, setEditing] = useState<Editing>(null);
  const [saved, setSaved] = useState(false);
  const addRef = useRef<HTMLButtonElement>(null);
  const items = list.data ?? [];
  const mutationError = toggle.error ?? remove.error;

  return (
    <section className="panel gateway-section" aria-labelledby="gateway-forwards-title">
      <div className="section-head">
        <h2 id="gateway-forwards-title">{t('gateway.forwards.title')}</h2>
        {canEdit && !editing ? (
          <button ref={addRef} type="button" className="btn btn-primary" onClick={() => setEditing({ mode: 'new' })}>
            {t('gateway.forwards.add')}
          </button>
        ) : null}
      </div>
      <p className="field-help">{t('gateway.forwards.intro')}</p>
      <SavedNotice show={saved} />
      {mutationError ? (
        <p className="callout callout-error" role="alert">
          {errorText(t, mutationError)}
        </p>
      ) : null}
      {editing ? (
        <GatewayForwardForm
          key={editing.mode === 'edit' ? editing.forward.id : 'new'}
          initial={editing.mode === 'edit' ? editing.forward : null}
          others={items.filter((f) => editing.mode === 'new' || f.id !== editing.forward.id)}
          onDone={(ok) => {
            setEditing(null);
            setSaved(ok);
            requestAnimationFrame(() => addRef.current?.focus());
          }}
        />
      ) : null}
      <QueryState query={list} isEmpty={(d) => d.length === 0} empty={t('gateway.forwards.empty')}>
        {(rows) => (
          <DataTable
            label={t('gateway.forwards.tableLabel')}
            rows={rows}
            rowKey={(f) => f.id}
            rowClassName={(f) => (f.enabled ? undefined : 'row-disabled')}
            empty={t('gateway.forwards.empty')}
            columns={[
              {
                key: 'enabled',
                header: t('gateway.field.enabled'),
                cell: (f) => (
                  <input
                    type="checkbox"
                    role="switch"
                    aria-checked={f.enabled}
                    aria-label={t('gateway.forwards.toggle', { name: f.name })}
                    checked={f.enabled}
                    disabled={!canEdit}
                    onChange={(e) =>
                      toggle.mutate({ forward: f, enabled: e.target.checked }, { onSuccess: () => setSaved(true) })
                    }
                  />
                ),
              },
              {
                key: 'name',
                header: t('gateway.field.name'),
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
                header: t('gateway.field.protocol'),
                className: 'mono',
                cell: (f) => t(`forwards.protocol.${f.protocol}`),
              },
              {
                key: 'publicPort',
                header: t('gateway.field.publicPort'),
                className: 'mono',
                cell: (f) => f.publicPort,
              },
              { key: 'localPort', header: t('gateway.field.localPort'), className: 'mono', cell: (f) => f.localPort },
              {
                key: 'allowedSources',
                header: t('gateway.field.allowedSources'),
                className: 'mono',
                cell: (f) =>
                  f.allowedSources.length ? (
                    f.allowedSources.join(', ')
                  ) : (
                    <span className="muted">{t('forwards.anySource')}</span>
                  ),
              },
              { key: 'comment', header: t('gateway.field.comment'), cell: (f) => f.comment },
              canEdit && {
                key: 'actions',
                header: t('common.actions'),
                className: 'actions',
                cell: (f) => (
                  <>
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={t('gateway.forwards.editLabel', { name: f.name })}
                      onClick={() => setEditing({ mode: 'edit', forward: f })}
                    >
                      {t('common.edit')}
                    </button>
                    <ConfirmButton
                      label={t('common.delete')}
                      ariaLabel={t('gateway.forwards.deleteLabel', { name: f.name })}
                      question={t('gateway.forwards.deleteConfirm', { name: f.name })}
                      confirmLabel={t('common.delete')}
                      busy={remove.isPending && remove.variables === f.id}
                      onConfirm={() => remove.mutate(f.id, { onSuccess: () => setSaved(true) })}
                    />
                  </>
                ),
              },
            ]}
          />
        )}
      </QueryState>
    </section>
  );
}

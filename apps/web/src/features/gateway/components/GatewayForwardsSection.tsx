import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DataTable } from '../../../components/DataTable';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { forwardColumns } from '../../../components/forward-columns';
import { QueryState } from '../../../components/QueryState';
import { EditDeleteActions } from '../../../components/RowActions';
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
  const cols = forwardColumns<Api['GatewayForward']>(t, {
    prefix: 'gateway.field',
    toggleLabel: (f) => t('gateway.forwards.toggle', { name: f.name }),
    canEdit,
    onToggle: (forward, enabled) => toggle.mutate({ forward, enabled }, { onSuccess: () => setSaved(true) }),
  });

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
      <ErrorCallout error={mutationError} />
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
              cols.enabled,
              cols.name,
              cols.protocol,
              {
                key: 'publicPort',
                header: t('gateway.field.publicPort'),
                className: 'mono',
                cell: (f) => f.publicPort,
              },
              { key: 'localPort', header: t('gateway.field.localPort'), className: 'mono', cell: (f) => f.localPort },
              cols.allowedSources,
              cols.comment,
              canEdit &&
                cols.actions((f) => (
                  <EditDeleteActions
                    prefix="gateway.forwards"
                    name={f.name}
                    onEdit={() => setEditing({ mode: 'edit', forward: f })}
                    deleting={remove.isPending && remove.variables === f.id}
                    onDelete={() => remove.mutate(f.id, { onSuccess: () => setSaved(true) })}
                  />
                )),
            ]}
          />
        )}
      </QueryState>
    </section>
  );
}

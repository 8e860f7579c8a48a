import { InterfaceName, Interfaces } from '@gatehouse/rules/model';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DataTable } from '../../../components/DataTable';
import { issueText } from '../../../lib/errors';
import { serverFieldErrors } from '../../../lib/form-errors';
import { formatInterfaceState } from '../../../lib/format';
import { useCanEdit } from '../../../lib/session';
import { useStatus } from '../../../lib/status';
import { useSessionConnection } from '../api/get-session-connection';
import { useUpdateGatewaySettings } from '../api/update-gateway-settings';
import { connectionRoleChange, type Role, type Roles, roleOf, withRole } from './roles';
import { SavedNotice } from './SavedNotice';
import type { SettingsFormProps } from './settings-form-props';

const ROLES: Role[] = ['wan', 'lan', 'none'];

interface Row {
  name: string;
  state: string | null;
  addresses: string[];
}

/**
 * WAN and LAN picked from the gateway's live interfaces (GET /status), or
 * typed for one that is not up yet; a warning when the interface this browser
 * is connected through would change role.
 */
export function InterfaceRolesForm({ saved: initial, notice, onNotice: setSaved }: SettingsFormProps) {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const status = useStatus();
  const connection = useSessionConnection();
  const update = useUpdateGatewaySettings();
  const [roles, setRoles] = useState<Roles>(initial.interfaces);
  const [errors, setErrors] = useState<string[]>([]);
  const [newName, setNewName] = useState('');
  const [newRole, setNewRole] = useState<Role>('lan');
  const [newError, setNewError] = useState<string | null>(null);
  const ids = useId();

  const change = (next: Roles) => {
    setRoles(next);
    setSaved(false);
    setErrors([]);
  };

  const live = (status.data?.interfaces ?? []).filter((i) => i.name !== 'lo');
  const rows: Row[] = [
    ...live.map((i) => ({ name: i.name, state: i.state, addresses: i.addresses })),
    ...[roles.wan, ...roles.lan, initial.interfaces.wan, ...initial.interfaces.lan]
      .filter((n, i, all) => n && all.indexOf(n) === i && !live.some((l) => l.name === n))
      .map((name) => ({ name, state: null, addresses: [] })),
  ];

  const via = connection.data?.governed ? connection.data.interface : null;
  const warning = connectionRoleChange(initial.interfaces, roles, via);
  const viaAddress = connection.data?.localAddress ?? '';

  const addTyped = () => {
    const parsed = InterfaceName.safeParse(newName.trim());
    if (!parsed.success) {
      setNewError(parsed.error.issues[0] ? issueText(parsed.error.issues[0]) : '');
      return;
    }
    setNewError(null);
    change(withRole(roles, parsed.data, newRole));
    setNewName('');
  };

  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    const parsed = Interfaces.safeParse(roles);
    if (!parsed.success) {
      setErrors([...new Set(parsed.error.issues.map((i) => issueText(i)))]);
      return;
    }
    update.mutate(
      { interfaces: parsed.data, masquerade: initial.masquerade, filter: initial.filter },
      {
        onSuccess: () => setSaved(true),
        onError: (err) => setErrors(Object.values(serverFieldErrors(err, ['wan', 'lan'] as const)).filter(Boolean)),
      },
    );
  };

  return (
    <section className="panel gateway-section" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t('gateway.roles.title')}</h2>
      <p className="field-help">{t('gateway.roles.intro')}</p>
      <form onSubmit={onSubmit} noValidate>
        {errors.length > 0 ? (
          <div className="callout callout-error" role="alert">
            {errors.map((e) => (
              <p key={e}>{e}</p>
            ))}
          </div>
        ) : null}
        {via ? <p className="muted">{t('gateway.roles.connectedVia', { name: via, address: viaAddress })}</p> : null}
        {warning && via ? (
          <div className="callout callout-warn" role="alert">
            <strong>
              {t('gateway.roles.warningTitle', {
                name: via,
                from: t(`gateway.roles.role_${warning.from}`),
                to: t(`gateway.roles.role_${warning.to}`),
              })}
            </strong>
            <p>{t('gateway.roles.warningBody', { name: via, address: viaAddress })}</p>
          </div>
        ) : null}
        <DataTable
          label={t('gateway.roles.tableLabel')}
          rows={rows}
          rowKey={(r) => r.name}
          empty={t('gateway.roles.none')}
          columns={[
            {
              key: 'name',
              header: t('gateway.roles.interface'),
              rowHeader: true,
              className: 'mono',
              cell: (r) => r.name,
            },
            {
              key: 'state',
              header: t('gateway.roles.state'),
              cell: (r) =>
                r.state === null ? (
                  <span className="tag">{t('gateway.roles.notPresent')}</span>
                ) : (
                  formatInterfaceState(r.state)
                ),
            },
            {
              key: 'addresses',
              header: t('gateway.roles.addresses'),
              className: 'mono',
              cell: (r) => (r.addresses.length ? r.addresses.join(', ') : <span className="muted">—</span>),
            },
            {
              key: 'role',
              header: t('gateway.roles.role'),
              cell: (r) => (
                <select
                  aria-label={t('gateway.roles.roleOf', { name: r.name })}
                  value={roleOf(roles, r.name)}
                  disabled={!canEdit}
                  onChange={(e) => change(withRole(roles, r.name, e.target.value as Role))}
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {t(`gateway.roles.role_${role}`)}
                    </option>
                  ))}
                </select>
              ),
            },
          ]}
        />
        {canEdit ? (
          <div className="inline-add roles-add">
            <label htmlFor={`${ids}-new`}>{t('gateway.roles.typed')}</label>
            <input
              id={`${ids}-new`}
              className="mono"
              value={newName}
              maxLength={15}
              placeholder="wg0"
              aria-invalid={newError ? true : undefined}
              aria-describedby={newError ? `${ids}-new-error` : undefined}
              onChange={(e) => {
                setNewName(e.target.value);
                setNewError(null);
              }}
              spellCheck={false}
              autoComplete="off"
            />
            <label htmlFor={`${ids}-newRole`} className="visually-hidden">
              {t('gateway.roles.typedRole')}
            </label>
            <select id={`${ids}-newRole`} value={newRole} onChange={(e) => setNewRole(e.target.value as Role)}>
              <option value="lan">{t('gateway.roles.role_lan')}</option>
              <option value="wan">{t('gateway.roles.role_wan')}</option>
            </select>
            <button type="button" className="btn btn-small" onClick={addTyped}>
              {t('common.add')}
            </button>
            {newError ? (
              <p className="field-error" id={`${ids}-new-error`}>
                {newError}
              </p>
            ) : null}
          </div>
        ) : null}
        {canEdit ? (
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={update.isPending}>
              {update.isPending ? t('common.saving') : t('gateway.roles.save')}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => change(initial.interfaces)}
              disabled={roleKey(roles) === roleKey(initial.interfaces)}
            >
              {t('gateway.roles.reset')}
            </button>
          </div>
        ) : null}
        <SavedNotice show={notice} />
      </form>
    </section>
  );
}

const roleKey = (r: Roles) => `${r.wan}|${r.lan.join(',')}`;

import type { TFunction } from 'i18next';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { DataTable } from '../../../components/DataTable';
import { Field } from '../../../components/Field';
import { ApiError } from '../../../lib/api';
import { errorText } from '../../../lib/errors';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useCanEdit } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useCreateToken } from '../api/create-token';
import { useTokens } from '../api/get-tokens';
import { useRemoveToken } from '../api/remove-token';
import { useRevokeToken } from '../api/revoke-token';

/** A date input's day, as the end of that day in the browser's time zone: "expires on the 31st" includes the 31st. */
function endOfDay(day: string): string | undefined {
  if (!day) return undefined;
  const at = new Date(`${day}T23:59:59`);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** The server's codes for tokens, in the operator's language; anything else as usual. */
function tokenErrorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError && error.code === 'token_active') return t('access.errors.token_active');
  return errorText(t, error);
}

export function TokensSection() {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const remove = useRemoveToken();
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [expiresError, setExpiresError] = useState<string | undefined>();
  const [role, setRole] = useState<Api['Role']>('viewer');
  const [created, setCreated] = useState<Api['CreatedToken'] | null>(null);
  const [copied, setCopied] = useState(false);
  const [nameError, setNameError] = useState<string | undefined>();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setNameError(t('access.tokenName'));
      return;
    }
    setNameError(undefined);
    const expiresAt = endOfDay(expires);
    if (expires && (!expiresAt || Date.parse(expiresAt) <= Date.now())) {
      setExpiresError(t('access.expiresPast'));
      return;
    }
    setExpiresError(undefined);
    create.mutate(
      { name: name.trim(), role, ...(expiresAt ? { expiresAt } : {}) },
      {
        onSuccess: (token) => {
          setCreated(token);
          setCopied(false);
          setName('');
          setExpires('');
        },
      },
    );
  };

  return (
    <section aria-labelledby="tokens-title" className="panel">
      <h2 id="tokens-title">{t('access.tokens')}</h2>
      {created ? (
        <div className="callout callout-ok" role="status">
          <p>{t('access.tokenCreated')}</p>
          <label htmlFor="new-token">{t('access.tokenValue')}</label>
          <div className="inline-add">
            <input
              id="new-token"
              className="mono token-value"
              readOnly
              value={created.token}
              onFocus={(e) => e.target.select()}
            />
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                void navigator.clipboard?.writeText(created.token).then(() => setCopied(true));
              }}
            >
              {copied ? t('common.copied') : t('common.copy')}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setCreated(null)}>
              {t('common.dismiss')}
            </button>
          </div>
        </div>
      ) : null}
      {create.isError || revoke.isError || remove.isError ? (
        <p className="callout callout-error" role="alert">
          {tokenErrorText(t, create.error ?? revoke.error ?? remove.error)}
        </p>
      ) : null}
      <DataTable
        label={t('access.tokens')}
        query={tokens}
        rows={tokens.data ?? []}
        rowKey={(tk) => tk.id}
        rowClassName={(tk) => (tk.status === 'active' ? undefined : 'row-disabled')}
        empty={t('access.tokensEmpty')}
        columns={[
          {
            key: 'name',
            header: t('access.tokenName'),
            rowHeader: true,
            cell: (tk) => (
              <>
                {tk.name}
                <div className="muted small">{tk.owner}</div>
              </>
            ),
          },
          { key: 'prefix', header: t('access.prefix'), className: 'mono', cell: (tk) => `${tk.prefix}…` },
          { key: 'role', header: t('access.role'), cell: (tk) => t(`roles.${tk.role}`) },
          { key: 'created', header: t('access.created'), cell: (tk) => formatDateTime(tk.createdAt) },
          {
            key: 'expires',
            header: t('access.expires'),
            cell: (tk) =>
              tk.expiresAt ? (
                <time dateTime={tk.expiresAt}>{formatDateTime(tk.expiresAt)}</time>
              ) : (
                <span className="muted">{t('access.noExpiry')}</span>
              ),
          },
          {
            key: 'status',
            header: t('access.tokenStatus'),
            cell: (tk) => (
              <span className={`tag${tk.status === 'active' ? ' tag-good' : ' tag-bad'}`}>
                {t(`access.tokenStatuses.${tk.status}`)}
              </span>
            ),
          },
          {
            key: 'lastUsed',
            header: t('access.lastUsed'),
            cell: (tk) => (tk.lastUsedAt ? formatRelative(tk.lastUsedAt) : t('access.never')),
          },
          {
            key: 'actions',
            header: t('common.actions'),
            className: 'actions',
            cell: (tk) =>
              tk.status !== 'active' ? (
                <ConfirmButton
                  label={t('access.removeToken')}
                  ariaLabel={t('access.removeTokenLabel', { name: tk.name })}
                  question={t('access.removeTokenConfirm', { name: tk.name })}
                  confirmLabel={t('access.removeToken')}
                  busy={remove.isPending}
                  onConfirm={() => remove.mutate(tk.id)}
                />
              ) : (
                <ConfirmButton
                  label={t('access.revoke')}
                  ariaLabel={t('access.revokeLabel', { name: tk.name })}
                  question={t('access.revokeConfirm', { name: tk.name })}
                  confirmLabel={t('access.revoke')}
                  onConfirm={() => revoke.mutate(tk.id)}
                />
              ),
          },
        ]}
      />
      <form className="access-form" onSubmit={onSubmit} noValidate aria-labelledby="create-token-title">
        <h3 id="create-token-title">{t('access.createToken')}</h3>
        <Field label={t('access.tokenName')} error={nameError}>
          {(p) => <input {...p} value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t('access.role')}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value as Api['Role'])}>
              <option value="viewer">{t('roles.viewer')}</option>
              {canEdit ? <option value="admin">{t('roles.admin')}</option> : null}
            </select>
          )}
        </Field>
        <Field label={t('access.expiresOn')} help={t('access.expiresHelp')} error={expiresError}>
          {(p) => (
            <input
              {...p}
              type="date"
              min={today()}
              value={expires}
              onChange={(e) => {
                setExpires(e.target.value);
                setExpiresError(undefined);
              }}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {t('access.createToken')}
          </button>
        </div>
      </form>
    </section>
  );
}

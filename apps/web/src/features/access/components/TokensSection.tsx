import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { DataTable } from '../../../components/DataTable';
import { Field } from '../../../components/Field';
import { errorText } from '../../../lib/errors';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useCanEdit } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useCreateToken } from '../api/create-token';
import { useTokens } from '../api/get-tokens';
import { useRevokeToken } from '../api/revoke-token';

export function TokensSection() {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
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
    create.mutate(
      { name: name.trim(), role },
      {
        onSuccess: (token) => {
          setCreated(token);
          setCopied(false);
          setName('');
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
      {create.isError || revoke.isError ? (
        <p className="callout callout-error" role="alert">
          {errorText(t, create.error ?? revoke.error)}
        </p>
      ) : null}
      <DataTable
        label={t('access.tokens')}
        query={tokens}
        rows={tokens.data ?? []}
        rowKey={(tk) => tk.id}
        rowClassName={(tk) => (tk.revokedAt ? 'row-disabled' : undefined)}
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
            key: 'lastUsed',
            header: t('access.lastUsed'),
            cell: (tk) => (tk.lastUsedAt ? formatRelative(tk.lastUsedAt) : t('access.never')),
          },
          {
            key: 'actions',
            header: t('common.actions'),
            className: 'actions',
            cell: (tk) =>
              tk.revokedAt ? (
                <span className="tag tag-bad">{t('access.revoked')}</span>
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
      <form className="inline-form" onSubmit={onSubmit} noValidate aria-labelledby="create-token-title">
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
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {t('access.createToken')}
          </button>
        </div>
      </form>
    </section>
  );
}

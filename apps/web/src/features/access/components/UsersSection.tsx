import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { DataTable } from '../../../components/DataTable';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { Field } from '../../../components/Field';
import { PasswordField } from '../../../components/PasswordField';
import { type FieldErrors, serverFieldErrors } from '../../../lib/form-errors';
import { formatDateTime } from '../../../lib/format';
import { useSession } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useCreateUser } from '../api/create-user';
import { useDeleteUser } from '../api/delete-user';
import { useUsers } from '../api/get-users';
import { useUpdateUser } from '../api/update-user';

const FIELDS = ['username', 'password', 'role'] as const;
type FieldName = (typeof FIELDS)[number];
/**
 * The server's minimum (services/password-policy.ts). The rest of its policy
 * (strength, not the username) needs its dictionaries: the server's field
 * error is shown under the password field.
 */
const MIN_PASSWORD = 12;
const USERNAME_RE = /^[a-z][a-z0-9_.-]{0,31}$/;

export function UsersSection() {
  const { t } = useTranslation();
  const me = useSession().data;
  const users = useUsers();
  const update = useUpdateUser();
  const remove = useDeleteUser();
  const [resetting, setResetting] = useState<Api['User'] | null>(null);
  const error = update.error ?? remove.error;
  return (
    <section aria-labelledby="users-title" className="panel">
      <h2 id="users-title">{t('access.users')}</h2>
      <ErrorCallout error={error} />
      <DataTable
        label={t('access.users')}
        query={users}
        rows={users.data ?? []}
        rowKey={(u) => u.id}
        empty={t('access.usersEmpty')}
        detail={(u) =>
          resetting?.id === u.id
            ? {
                id: `reset-${u.id}`,
                content: <ResetPasswordForm user={u} onDone={() => setResetting(null)} />,
              }
            : null
        }
        columns={[
          {
            key: 'username',
            header: t('access.username'),
            rowHeader: true,
            className: 'mono',
            cell: (u) => u.username,
          },
          {
            key: 'role',
            header: t('access.role'),
            cell: (u) => (
              <select
                aria-label={t('access.changeRole', { username: u.username })}
                value={u.role}
                disabled={u.username === me?.username || update.isPending}
                onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Api['Role'] })}
              >
                <option value="admin">{t('roles.admin')}</option>
                <option value="viewer">{t('roles.viewer')}</option>
              </select>
            ),
          },
          { key: 'created', header: t('access.created'), cell: (u) => formatDateTime(u.createdAt) },
          {
            key: 'actions',
            header: t('common.actions'),
            className: 'actions',
            cell: (u) =>
              u.username === me?.username ? null : (
                <div className="row-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-expanded={resetting?.id === u.id}
                    aria-controls={resetting?.id === u.id ? `reset-${u.id}` : undefined}
                    aria-label={t('access.resetPasswordFor', { username: u.username })}
                    onClick={() => setResetting(resetting?.id === u.id ? null : u)}
                  >
                    {t('access.resetPassword')}
                  </button>
                  <ConfirmButton
                    label={t('common.delete')}
                    ariaLabel={t('access.deleteUser', { username: u.username })}
                    question={t('access.deleteUserConfirm', { username: u.username })}
                    confirmLabel={t('common.delete')}
                    onConfirm={() => remove.mutate(u.id)}
                  />
                </div>
              ),
          },
        ]}
      />
      <AddUserForm />
    </section>
  );
}

/** An admin sets another user's password: their sessions and API tokens end (PATCH /users/:id). */
function ResetPasswordForm({ user, onDone }: { user: Api['User']; onDone: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateUser();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (password.length < MIN_PASSWORD) {
      setError(t('access.passwordTooShort', { count: MIN_PASSWORD }));
      return;
    }
    setError(undefined);
    update.mutate(
      { id: user.id, password },
      {
        onSuccess: () => {
          setPassword('');
          setDone(true);
        },
        onError: (err) => {
          const errors = serverFieldErrors(err, ['password'] as const);
          setError(errors.password ?? errors.form);
        },
      },
    );
  };
  const title = t('access.resetPasswordFor', { username: user.username });
  return done ? (
    <div className="callout callout-ok" role="status">
      <p>{t('access.resetDone', { username: user.username })}</p>
      <button type="button" className="btn btn-small" onClick={onDone}>
        {t('common.dismiss')}
      </button>
    </div>
  ) : (
    <form className="access-form" onSubmit={onSubmit} noValidate aria-label={title}>
      <PasswordField
        label={t('access.newPassword')}
        help={t('access.resetHelp')}
        error={error}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          {t('access.setPassword')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function AddUserForm() {
  const { t } = useTranslation();
  const create = useCreateUser();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Api['Role']>('viewer');
  const [errors, setErrors] = useState<FieldErrors<FieldName>>({});

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const next: FieldErrors<FieldName> = {};
    if (!USERNAME_RE.test(username)) next.username = t('access.usernameInvalid');
    // The hint under the field says the rule; the error says what is wrong with this one.
    if (password.length < MIN_PASSWORD) next.password = t('access.passwordTooShort', { count: MIN_PASSWORD });
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    create.mutate(
      { username, password, role },
      {
        onSuccess: () => {
          setUsername('');
          setPassword('');
          setRole('viewer');
        },
        onError: (err) => setErrors(serverFieldErrors(err, FIELDS)),
      },
    );
  };

  return (
    <form className="access-form" onSubmit={onSubmit} noValidate aria-labelledby="add-user-title">
      <h3 id="add-user-title">{t('access.addUser')}</h3>
      <ErrorCallout message={errors.form} />
      <Field label={t('access.username')} error={errors.username}>
        {(p) => (
          <input
            {...p}
            className="mono"
            value={username}
            maxLength={32}
            autoComplete="off"
            onChange={(e) => setUsername(e.target.value)}
          />
        )}
      </Field>
      <PasswordField
        label={t('access.password')}
        help={t('access.passwordHelp')}
        error={errors.password}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <Field label={t('access.role')} error={errors.role}>
        {(p) => (
          <select {...p} value={role} onChange={(e) => setRole(e.target.value as Api['Role'])}>
            <option value="viewer">{t('roles.viewer')}</option>
            <option value="admin">{t('roles.admin')}</option>
          </select>
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {t('access.addUser')}
        </button>
      </div>
    </form>
  );
}

import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { Field } from '../../../components/Field';
import { QueryState } from '../../../components/QueryState';
import { errorText } from '../../../lib/errors';
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
  const error = update.error ?? remove.error;
  return (
    <section aria-labelledby="users-title" className="panel">
      <h2 id="users-title">{t('access.users')}</h2>
      {error ? (
        <p className="callout callout-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      <QueryState query={users} isEmpty={(d) => d.length === 0} empty={t('access.usersEmpty')}>
        {(list) => (
          <div className="table-wrap">
            <table className="table table-dense">
              <caption className="visually-hidden">{t('access.users')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('access.username')}</th>
                  <th scope="col">{t('access.role')}</th>
                  <th scope="col">{t('access.created')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((u) => {
                  const self = u.username === me?.username;
                  return (
                    <tr key={u.id}>
                      <th scope="row" className="mono">
                        {u.username}
                      </th>
                      <td>
                        <select
                          aria-label={t('access.changeRole', { username: u.username })}
                          value={u.role}
                          disabled={self || update.isPending}
                          onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Api['Role'] })}
                        >
                          <option value="admin">{t('roles.admin')}</option>
                          <option value="viewer">{t('roles.viewer')}</option>
                        </select>
                      </td>
                      <td>{formatDateTime(u.createdAt)}</td>
                      <td className="actions">
                        {self ? null : (
                          <ConfirmButton
                            label={t('common.delete')}
                            ariaLabel={t('access.deleteUser', { username: u.username })}
                            question={t('access.deleteUserConfirm', { username: u.username })}
                            confirmLabel={t('common.delete')}
                            onConfirm={() => remove.mutate(u.id)}
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      <AddUserForm />
    </section>
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
    if (!USERNAME_RE.test(username)) next.username = t('access.username');
    if (password.length < MIN_PASSWORD) next.password = t('access.passwordHelp');
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
    <form className="inline-form" onSubmit={onSubmit} noValidate aria-labelledby="add-user-title">
      <h3 id="add-user-title">{t('access.addUser')}</h3>
      {errors.form ? (
        <p className="callout callout-error" role="alert">
          {errors.form}
        </p>
      ) : null}
      <Field label={t('access.username')} error={errors.username}>
        {(p) => (
          <input
            {...p}
            className="mono"
            value={username}
            autoComplete="off"
            onChange={(e) => setUsername(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('access.password')} help={t('access.passwordHelp')} error={errors.password}>
        {(p) => (
          <input
            {...p}
            type="password"
            value={password}
            autoComplete="new-password"
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
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

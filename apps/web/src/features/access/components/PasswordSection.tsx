import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { PasswordField } from '../../../components/PasswordField';
import { ApiError } from '../../../lib/api';
import { errorText } from '../../../lib/errors';
import { type FieldErrors, serverFieldErrors } from '../../../lib/form-errors';
import { useSession } from '../../../lib/session';
import { useChangePassword } from '../api/change-password';

const FIELDS = ['currentPassword', 'newPassword', 'confirm'] as const;
type FieldName = (typeof FIELDS)[number];
/** The server's minimum; the rest of the policy (strength, not the username) comes back as a field error. */
const MIN_PASSWORD = 12;

/**
 * Your own password, for anyone signed in with a session (the server refuses
 * it to an API token). A change ends your other sessions and revokes your
 * API tokens (docs/security.md): the success message says so.
 */
export function PasswordSection() {
  const { t } = useTranslation();
  const me = useSession().data;
  const change = useChangePassword();
  const [form, setForm] = useState({ currentPassword: '', newPassword: '', confirm: '' });
  const [errors, setErrors] = useState<FieldErrors<FieldName>>({});
  const [done, setDone] = useState(false);
  if (me?.via !== 'session') return null;

  const set = (key: FieldName) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [key]: e.target.value }));
    setDone(false);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const next: FieldErrors<FieldName> = {};
    if (!form.currentPassword) next.currentPassword = t('access.currentPasswordMissing');
    if (form.newPassword.length < MIN_PASSWORD)
      next.newPassword = t('access.passwordTooShort', { count: MIN_PASSWORD });
    else if (form.confirm !== form.newPassword) next.confirm = t('access.confirmMismatch');
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    change.mutate(
      { currentPassword: form.currentPassword, newPassword: form.newPassword },
      {
        onSuccess: () => {
          setForm({ currentPassword: '', newPassword: '', confirm: '' });
          setDone(true);
        },
        onError: (err) => {
          if (err instanceof ApiError && err.status === 429) {
            setErrors({ form: t('access.passwordThrottled', { seconds: err.retryAfter ?? 60 }) });
          } else if (err instanceof ApiError && err.code === 'session_required') {
            setErrors({ form: t('access.errors.session_required') });
          } else if (err instanceof ApiError && err.problems.length > 0) {
            setErrors(serverFieldErrors(err, FIELDS));
          } else {
            setErrors({ form: errorText(t, err) });
          }
        },
      },
    );
  };

  return (
    <section aria-labelledby="password-title" className="panel">
      <h2 id="password-title">{t('access.myPassword')}</h2>
      {done ? (
        <p className="callout callout-ok" role="status">
          {t('access.passwordChanged')}
        </p>
      ) : null}
      <form className="access-form" onSubmit={onSubmit} noValidate aria-labelledby="password-title">
        <ErrorCallout message={errors.form} />
        {/* For password managers: which account this is. */}
        <input type="text" hidden readOnly autoComplete="username" value={me.username} />
        <PasswordField
          label={t('access.currentPassword')}
          error={errors.currentPassword}
          value={form.currentPassword}
          onChange={set('currentPassword')}
          autoComplete="current-password"
          maxLength={1024}
        />
        <PasswordField
          label={t('access.newPassword')}
          help={t('access.passwordHelp')}
          error={errors.newPassword}
          value={form.newPassword}
          onChange={set('newPassword')}
        />
        <PasswordField
          label={t('access.confirmPassword')}
          error={errors.confirm}
          value={form.confirm}
          onChange={set('confirm')}
        />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={change.isPending}>
            {t('access.changePassword')}
          </button>
        </div>
      </form>
    </section>
  );
}

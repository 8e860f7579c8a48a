import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../../components/Field';
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
        {errors.form ? (
          <p className="callout callout-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        {/* For password managers: which account this is. */}
        <input type="text" hidden readOnly autoComplete="username" value={me.username} />
        <Field label={t('access.currentPassword')} error={errors.currentPassword}>
          {(p) => (
            <input
              {...p}
              type="password"
              value={form.currentPassword}
              maxLength={1024}
              autoComplete="current-password"
              onChange={set('currentPassword')}
            />
          )}
        </Field>
        <Field label={t('access.newPassword')} help={t('access.passwordHelp')} error={errors.newPassword}>
          {(p) => (
            <input
              {...p}
              type="password"
              value={form.newPassword}
              maxLength={256}
              autoComplete="new-password"
              onChange={set('newPassword')}
            />
          )}
        </Field>
        <Field label={t('access.confirmPassword')} error={errors.confirm}>
          {(p) => (
            <input
              {...p}
              type="password"
              value={form.confirm}
              maxLength={256}
              autoComplete="new-password"
              onChange={set('confirm')}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={change.isPending}>
            {t('access.changePassword')}
          </button>
        </div>
      </form>
    </section>
  );
}

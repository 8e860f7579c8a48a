import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../../lib/api';
import { errorText } from '../../../lib/errors';
import { useSession } from '../../../lib/session';
import { useNow } from '../../../lib/use-now';
import { useLogin } from '../api/login';
import { Preferences } from './Preferences';

/** Only same-app paths are followed after login, never an absolute URL from the query string. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const session = useSession();
  const login = useLogin();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const now = useNow(1000);
  const userRef = useRef<HTMLInputElement>(null);
  const next = safeNext(params.get('next'));

  // The page exists to type a username: the caret starts there.
  useEffect(() => {
    userRef.current?.focus();
  }, []);

  const lockedFor = lockedUntil === null ? 0 : Math.max(0, Math.ceil((lockedUntil - now) / 1000));
  useEffect(() => {
    if (lockedUntil !== null && lockedFor === 0) {
      setLockedUntil(null);
      setMessage(t('login.lockedDone'));
    }
  }, [lockedFor, lockedUntil, t]);

  if (session.data) return <Navigate to={next} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!username || !password) {
      setMessage(t('login.required'));
      userRef.current?.focus();
      return;
    }
    setMessage(null);
    login.mutate(
      { username, password },
      {
        onSuccess: () => navigate(next, { replace: true }),
        onError: (err) => {
          setPassword('');
          if (err instanceof ApiError && err.status === 429) {
            setLockedUntil(Date.now() + (err.retryAfter ?? 60) * 1000);
            setMessage(null);
          } else if (err instanceof ApiError && (err.status === 401 || err.status === 400)) {
            setMessage(t('login.invalid'));
          } else {
            setMessage(errorText(t, err));
          }
        },
      },
    );
  };

  const locked = lockedFor > 0;
  return (
    <main className="login-page" id="main">
      <div className="login-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          <span>{t('app.name')}</span>
        </div>
        <h1>{t('login.title')}</h1>
        <p className="muted">{t('login.subtitle')}</p>
        <form onSubmit={onSubmit} noValidate>
          <div className="field">
            <label htmlFor="login-username">{t('login.username')}</label>
            <input
              ref={userRef}
              id="login-username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-describedby="login-message"
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">{t('login.password')}</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-describedby="login-message"
            />
          </div>
          <div id="login-message" aria-live="assertive" className="login-message">
            {locked ? (
              <p className="callout callout-error">{t('login.locked', { seconds: lockedFor })}</p>
            ) : message ? (
              <p className={`callout ${message === t('login.lockedDone') ? 'callout-info' : 'callout-error'}`}>
                {message}
              </p>
            ) : null}
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={login.isPending || locked}>
            {login.isPending ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
        <Preferences />
      </div>
    </main>
  );
}

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation } from 'react-router';
import { LiveIndicator } from '../components/LiveIndicator';
import { ApplyBanner } from '../features/apply/components/ApplyBanner';
import { useLogout } from '../features/auth/api/logout';
import { Preferences } from '../features/auth/components/Preferences';
import { LiveEventsProvider, useLiveStatus } from '../lib/events';
import { useSession } from '../lib/session';
import { useStatus } from '../lib/status';

const NAV = [
  { to: '/', key: 'dashboard', end: true },
  { to: '/forwards', key: 'forwards' },
  { to: '/ftp', key: 'ftp' },
  { to: '/ftp-doctor', key: 'ftpDoctor' },
  { to: '/gateway', key: 'gateway' },
  { to: '/apply', key: 'apply' },
  { to: '/history', key: 'history' },
  { to: '/connections', key: 'connections' },
  { to: '/expectations', key: 'expectations' },
  { to: '/import', key: 'import' },
  { to: '/pair', key: 'pair' },
  { to: '/access', key: 'access' },
] as const;

export function Layout() {
  const session = useSession();
  return (
    <LiveEventsProvider enabled={!!session.data}>
      <Shell />
    </LiveEventsProvider>
  );
}

function Shell() {
  const { t } = useTranslation();
  const session = useSession();
  const logout = useLogout();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const user = session.data;
  const pendingChanges = useStatus().data?.desiredDiffersFromApplied ?? false;

  // On navigation: close the phone menu and move focus to the new page's heading for screen readers.
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every route change on purpose
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    requestAnimationFrame(() => {
      const h1 = mainRef.current?.querySelector<HTMLElement>('h1');
      if (h1) {
        h1.tabIndex = -1;
        h1.focus({ preventScroll: false });
      }
    });
  }, [location.pathname]);

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>{t('app.name')}</span>
          <span className="brand-tag">{t('app.tagline')}</span>
        </div>
        <button
          type="button"
          className="btn btn-small menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          {t('nav.menu')}
          {pendingChanges ? <span className="nav-marker" title={t('apply.navPending')} aria-hidden="true" /> : null}
        </button>
        <LiveIndicator />
        <div className="topbar-right">
          <Preferences />
          {user ? (
            <span
              className="user"
              title={t('nav.signedInAs', { username: user.username, role: t(`roles.${user.role}`) })}
            >
              <span className="mono">{user.username}</span> <span className="tag">{t(`roles.${user.role}`)}</span>
            </span>
          ) : null}
          <button type="button" className="btn btn-small" onClick={() => logout.mutate()}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <nav id="main-nav" className={`sidenav${menuOpen ? ' open' : ''}`} aria-label={t('nav.label')}>
        <ul>
          {NAV.map((item) => (
            <li key={item.to}>
              <NavLink
                to={item.to}
                end={'end' in item ? item.end : false}
                aria-describedby={item.key === 'apply' && pendingChanges ? 'nav-pending' : undefined}
              >
                {t(`nav.${item.key}`)}
                {item.key === 'apply' && pendingChanges ? (
                  <span className="nav-marker" title={t('apply.navPending')} aria-hidden="true" />
                ) : null}
              </NavLink>
            </li>
          ))}
        </ul>
        {pendingChanges ? (
          <span id="nav-pending" className="visually-hidden">
            {t('apply.navPending')}
          </span>
        ) : null}
      </nav>
      <main id="main" ref={mainRef} className="content">
        <ApplyBanner />
        <StreamDownNotice />
        <Outlet />
      </main>
    </div>
  );
}

/** A visible sentence while the stream is down for more than a moment; the header dot already says it briefly. */
function StreamDownNotice() {
  const { t } = useTranslation();
  const { status } = useLiveStatus();
  const [show, setShow] = useState(false);
  useEffect(() => {
    setShow(false);
    if (status !== 'down') return;
    const id = setTimeout(() => setShow(true), 3000);
    return () => clearTimeout(id);
  }, [status]);
  return show ? <p className="callout callout-warn">{t('live.downLong')}</p> : null;
}

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useBlocker } from 'react-router';

/**
 * Unsaved edits stop the operator from leaving: a link inside the app asks
 * first (the router's blocker), closing or reloading the tab gets the
 * browser's own question (beforeunload). One per page: the router supports
 * one blocker at a time, so the Helpers page passes the state of all its cards.
 */
export function UnsavedGuard({ dirty }: { dirty: boolean }) {
  const { t } = useTranslation();
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older browsers ask only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  if (blocker.state !== 'blocked') return null;
  return (
    <div className="callout callout-warn" role="alertdialog" aria-labelledby="ftp-unsaved" aria-describedby="ftp-leave">
      <p id="ftp-unsaved">
        <strong>{t('ftp.unsaved')}</strong>
      </p>
      <p id="ftp-leave">{t('ftp.leaveQuestion')}</p>
      <div className="form-actions">
        <button type="button" className="btn btn-danger" onClick={() => blocker.proceed()}>
          {t('ftp.leave')}
        </button>
        {/* biome-ignore lint/a11y/noAutofocus: the question is modal in effect: focus goes to the safe answer */}
        <button type="button" className="btn" autoFocus onClick={() => blocker.reset()}>
          {t('ftp.stay')}
        </button>
      </div>
    </div>
  );
}

import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** After a save: the change is in the desired state, and the Apply page makes it live. */
export function SavedNotice({ show }: { show: boolean }) {
  const { t } = useTranslation();
  return (
    <div aria-live="polite" className="notice-area">
      {show ? (
        <p className="callout callout-ok">
          {t('gateway.savedHint')} <Link to="/apply">{t('gateway.toApply')}</Link>
        </p>
      ) : null}
    </div>
  );
}

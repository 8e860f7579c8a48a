import { useTranslation } from 'react-i18next';
import { useLiveStatus } from '../lib/events';

/** The live stream's state, announced politely when it changes. */
export function LiveIndicator() {
  const { t } = useTranslation();
  const { status } = useLiveStatus();
  const text = status === 'open' ? t('live.open') : status === 'connecting' ? t('live.connecting') : t('live.down');
  return (
    <div className={`live live-${status}`} role="status" aria-live="polite" aria-label={t('live.label')}>
      <span className="live-dot" aria-hidden="true" />
      <span className="live-text">{text}</span>
    </div>
  );
}

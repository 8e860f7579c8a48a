import { useTranslation } from 'react-i18next';
import type { Api } from '../../../lib/types';

type PairConfigured = Extract<Api['PairStatus'], { configured: true }>;

/**
 * The pair as one: whether the peer's panel answers, which revision it runs,
 * and whether that is this node's. While it does not answer the pair is
 * degraded: changes can reach this node only, and only when asked for.
 */
export function DegradedBanner({ pair }: { pair: PairConfigured }) {
  const { t } = useTranslation();
  if (!pair.degraded) return null;
  const peer = pair.peer ?? t('pair.unknown');
  // Degraded also when the peer answers but runs another revision (after an apply on this node only).
  if (pair.peerState?.reachable) {
    return (
      <section className="callout callout-warn pair-degraded" role="alert" aria-labelledby="pair-degraded-title">
        <h2 id="pair-degraded-title">{t('pair.degraded.outOfSyncTitle', { peer })}</h2>
        <p>{t('pair.degraded.outOfSync', { peer })}</p>
        {/* A peer that answers but refuses this node (a peer token it does not hold) says why. */}
        {pair.peerState.error ? <p className="mono small">{pair.peerState.error}</p> : null}
      </section>
    );
  }
  return (
    <section className="callout callout-error pair-degraded" role="alert" aria-labelledby="pair-degraded-title">
      <h2 id="pair-degraded-title">{t('pair.degraded.title', { peer })}</h2>
      <p>{t('pair.degraded.explain', { peer })}</p>
      <p>{t('pair.degraded.override')}</p>
      {pair.peerState?.error ? <p className="mono small">{pair.peerState.error}</p> : null}
    </section>
  );
}

export function PeerState({ pair }: { pair: PairConfigured }) {
  const { t } = useTranslation();
  const s = pair.peerState;
  const peer = pair.peer ?? t('pair.unknown');
  if (!s) return <p className="empty">{t('pair.peer.unknownState', { peer })}</p>;
  const rows: Array<[string, string, 'good' | 'bad' | 'warn' | 'neutral']> = [
    [t('pair.peer.reachable'), s.reachable ? t('pair.peer.yes') : t('pair.peer.no'), s.reachable ? 'good' : 'bad'],
    [
      t('pair.peer.revision'),
      s.activeRevisionId === null ? t('pair.peer.noRevision') : `#${s.activeRevisionId}`,
      'neutral',
    ],
    [
      t('pair.peer.inSync'),
      !s.reachable ? t('pair.unknown') : s.inSync ? t('pair.peer.inSyncYes') : t('pair.peer.inSyncNo'),
      !s.reachable ? 'neutral' : s.inSync ? 'good' : 'warn',
    ],
  ];
  return (
    <dl className="pair-stats pair-peer" aria-label={t('pair.peer.title', { peer })}>
      {rows.map(([term, value, tone]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>
            <span className={`tag tag-${tone}`}>{value}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}

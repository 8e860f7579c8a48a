import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../../components/PageHeader';
import { QueryState } from '../../../components/QueryState';
import { formatDateTime, formatNumber } from '../../../lib/format';
import type { Api } from '../../../lib/types';
import { usePair } from '../api/get-pair';
import { PairActions } from './PairActions';
import { DegradedBanner, PeerState } from './PeerState';

type Configured = Extract<Api['PairStatus'], { configured: true }>;
type Stats = Extract<Configured['sync'], { ok: true }>['stats'];

function Instances({ pair }: { pair: Configured }) {
  const { t } = useTranslation();
  return (
    <table className="table pair-instances">
      <caption>{t('pair.instances')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('pair.instance')}</th>
          <th scope="col">{t('pair.interface')}</th>
          <th scope="col">{t('pair.address')}</th>
          <th scope="col">{t('pair.routerId')}</th>
          <th scope="col">{t('pair.state')}</th>
        </tr>
      </thead>
      <tbody>
        {pair.instances.map((i) => (
          <tr key={i.name} data-instance={i.name}>
            <th scope="row">{t(`pair.segment.${i.name}`)}</th>
            <td>{i.interface}</td>
            <td>{i.address}</td>
            <td>{i.routerId}</td>
            <td>
              <span className={`tag ${i.state === 'master' ? 'tag-good' : 'tag-info'}`}>
                {t(`pair.vrrp.${i.state}`)}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SyncStats({ stats }: { stats: Stats }) {
  const { t } = useTranslation();
  const rows = [
    ['pair.stats.internal', stats.internal.active],
    ['pair.stats.external', stats.external.active],
    [
      'pair.stats.failed',
      sum([stats.external.createdFailed, stats.external.updatedFailed, stats.external.destroyedFailed]),
    ],
    ['pair.stats.linkErrors', sum([stats.link.sendErrors, stats.link.receiveErrors])],
    ['pair.stats.lost', stats.messages.lost],
    ['pair.stats.malformed', stats.messages.malformed],
  ] as const;
  return (
    <dl className="pair-stats">
      {rows.map(([key, value]) => (
        <div key={key}>
          <dt>{t(key)}</dt>
          <dd>{value === null ? t('pair.unknown') : formatNumber(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function sum(values: Array<number | null>): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v ?? 0), 0);
}

export function PairPage() {
  const { t } = useTranslation();
  const pair = usePair();
  return (
    <section aria-labelledby="page-title" className="pair-page">
      <PageHeader title={t('pair.title')} />
      <QueryState query={pair}>
        {(p) =>
          !p.configured ? (
            <p className="empty">{t('pair.notConfigured')}</p>
          ) : (
            <>
              <DegradedBanner pair={p} />
              <p className="lede">
                {p.node === null
                  ? t('pair.nodeUnknown')
                  : t('pair.thisNode', { node: p.node, peer: p.peer ?? t('pair.unknown') })}
              </p>
              {p.heldByHand ? (
                <p className="callout callout-warn" role="status">
                  {t('pair.heldByHand', { peer: p.peer ?? t('pair.unknown') })}
                </p>
              ) : null}
              <h2>{t('pair.peer.title', { peer: p.peer ?? t('pair.unknown') })}</h2>
              <PeerState pair={p} />
              <Instances pair={p} />
              {p.node !== null ? <PairActions pair={p} /> : null}
              <h2>{t('pair.sync')}</h2>
              {p.sync.ok ? (
                <SyncStats stats={p.sync.stats} />
              ) : (
                <p className="callout callout-warn" role="status">
                  {t('pair.syncDown', { error: p.sync.error })}
                </p>
              )}
              <p className="table-note">
                {t('pair.lastPrimary', {
                  at: p.lastPrimaryAt ? formatDateTime(p.lastPrimaryAt) : t('pair.never'),
                })}{' '}
                {t('pair.lastBulk', {
                  at: p.lastBulkSyncAt ? formatDateTime(p.lastBulkSyncAt) : t('pair.never'),
                })}
              </p>
            </>
          )
        }
      </QueryState>
    </section>
  );
}

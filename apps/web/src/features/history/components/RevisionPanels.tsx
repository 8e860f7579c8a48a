import { useTranslation } from 'react-i18next';
import { ChangeSummary } from '../../../components/ChangeSummary';
import { DiffView } from '../../../components/DiffView';
import { ErrorState, Loading } from '../../../components/QueryState';
import { cleanDiff } from '../../../lib/clean-diff';
import type { Api } from '../../../lib/types';
import { useCompareRevision } from '../api/compare-revision';
import { useRevision } from '../api/get-revision';

/** What a revision changed against its predecessor. */
export function RevisionDiff({ revision }: { revision: Api['RevisionSummary'] }) {
  const { t } = useTranslation();
  const detail = useRevision(revision.id, true);
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  return <DiffView diff={cleanDiff(detail.data.diff)} label={t('history.diffOf', { id: revision.id })} />;
}

/** What going back to a revision would change against the live one: in plain words, then the script diff. */
export function RevisionCompare({ revision }: { revision: Api['RevisionSummary'] }) {
  const { t } = useTranslation();
  const compare = useCompareRevision(revision.id);
  if (compare.isPending) return <Loading />;
  if (compare.isError) return <ErrorState error={compare.error} onRetry={() => void compare.refetch()} />;
  const c = compare.data;
  return (
    <section className="compare" aria-label={t('history.compareTitle', { id: revision.id })}>
      <h3 className="panel-title">
        {c.currentRevisionId === null
          ? t('history.compareNothingLive', { id: revision.id })
          : t('history.compareHeading', { id: revision.id, current: c.currentRevisionId })}
      </h3>
      {c.sentences.length === 0 ? (
        <p className="empty">{t('history.compareSame')}</p>
      ) : (
        <ChangeSummary sentences={c.sentences} label={t('history.compareSummary', { id: revision.id })} />
      )}
      {c.diff ? <DiffView diff={cleanDiff(c.diff)} label={t('history.compareDiff', { id: revision.id })} /> : null}
    </section>
  );
}

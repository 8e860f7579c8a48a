import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../../components/PageHeader';
import { QueryState } from '../../../components/QueryState';
import { useProposal } from '../api/get-proposal';
import { AdoptForm } from './AdoptForm';
import { EquivalenceTable } from './EquivalenceTable';
import { NotesList } from './NotesList';
import { PendingTakeover } from './PendingTakeover';
import { ProposalDetails } from './ProposalDetails';
import { ProposalSummary } from './ProposalSummary';

/**
 * Adopting a gateway configured by something else: the proposal read from
 * the live ruleset (summary, the model, grouped notes, the equivalence
 * report), then adopting it, with or without retiring the tables it was read
 * from, which leads into the usual apply with confirmation.
 */
export function ImportPage() {
  const { t } = useTranslation();
  const proposal = useProposal();
  return (
    <section aria-labelledby="page-title" className="import-page">
      <PageHeader title={t('importPage.title')}>
        <button type="button" className="btn" disabled={proposal.isFetching} onClick={() => void proposal.refetch()}>
          {t('importPage.reread')}
        </button>
      </PageHeader>
      <p className="lede">{t('importPage.intro')}</p>
      <QueryState query={proposal}>
        {(p) => (
          <>
            <PendingTakeover pending={p.pendingTakeover} />
            <ProposalSummary proposal={p} />
            <ProposalDetails proposal={p} />
            <NotesList notes={p.noteList} />
            <EquivalenceTable rows={p.equivalence} />
            <AdoptForm proposal={p} />
          </>
        )}
      </QueryState>
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import { problemText } from '../../../lib/errors';
import type { Api } from '../../../lib/types';

/** The short summary first: what was found, how many notes need a decision, how many ports differ. */
export function ProposalSummary({ proposal: p }: { proposal: Api['ImportProposal'] }) {
  const { t } = useTranslation();
  const s = p.summary;
  const masq = [
    s.masquerade.forwardedServers ? t('importPage.summary.forwardedServers') : null,
    s.masquerade.lanToWan ? t('importPage.summary.lanToWan') : null,
  ].filter(Boolean);
  return (
    <section className="card import-summary" aria-labelledby="import-summary-title">
      <h2 id="import-summary-title">{t('importPage.summary.title')}</h2>
      {p.tables.length === 0 ? <p>{t('importPage.summary.nothingRead')}</p> : null}
      <ul className="import-summary-list">
        <li>
          {t('importPage.summary.forwards', { count: s.forwards })},{' '}
          {t('importPage.summary.gatewayForwards', { count: s.gatewayForwards })}
        </li>
        <li>
          {s.helperPorts.length > 0
            ? t('importPage.summary.helperOn', { ports: s.helperPorts.join(', ') })
            : t('importPage.summary.helperOff')}
          {s.passiveOnly ? ` (${t('importPage.summary.passiveOnly')})` : ''}
        </li>
        <li>
          {masq.length > 0
            ? t('importPage.summary.masquerade', { which: masq.join(', ') })
            : t('importPage.summary.masqueradeNone')}
        </li>
        <li className={s.decisions > 0 ? 'import-attention' : undefined}>
          {t('importPage.summary.decisions', { count: s.decisions })}
        </li>
        <li className={s.differences > 0 ? 'import-attention' : undefined}>
          {s.differences > 0
            ? t('importPage.summary.differences', { count: s.differences })
            : t('importPage.summary.same')}
        </li>
      </ul>
      {!p.valid ? (
        <div className="callout callout-error" role="alert">
          <p>{t('importPage.summary.invalid')}</p>
          <ul>
            {p.problems.map((problem) => (
              <li key={`${problem.path}:${problem.message}`}>
                <code>{problem.path}</code> {problemText(problem)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

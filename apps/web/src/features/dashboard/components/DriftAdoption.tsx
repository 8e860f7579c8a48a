import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ChangeSummary } from '../../../components/ChangeSummary';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { problemText } from '../../../lib/errors';
import { useAdoptDrift } from '../api/adopt-drift';
import { useDriftAdoption } from '../api/get-drift-adoption';

/**
 * Drift repair the other way round from restore: the live table read back as
 * a model, said in plain words first; adopting makes it the desired state
 * (applied next, from the Apply page). What the model cannot say is listed
 * and adopting is not offered.
 */
export function DriftAdoption({ id }: { id: string }) {
  const { t } = useTranslation();
  const preview = useDriftAdoption(true);
  const adopt = useAdoptDrift();
  const p = preview.data;
  return (
    <section id={id} className="drift-adoption" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="panel-title">
        {t('driftAdopt.title')}
      </h3>
      <p className="muted small">{t('driftAdopt.intro')}</p>
      {preview.isPending ? <p className="muted">{t('driftAdopt.loading')}</p> : null}
      <ErrorCallout error={preview.error} />
      {adopt.isSuccess ? (
        <p className="callout callout-ok" role="status">
          {t('driftAdopt.done')} <Link to="/apply">{t('driftAdopt.toApply')}</Link>
        </p>
      ) : p ? (
        <>
          {!p.changed && p.unexpressible.length === 0 ? <p>{t('driftAdopt.nothingChanged')}</p> : null}
          <ChangeSummary sentences={p.sentences} label={t('driftAdopt.summaryLabel')} />
          {p.unexpressible.length > 0 ? (
            <>
              <p className="callout callout-error">{t('driftAdopt.notAdoptable')}</p>
              <ul className="change-summary" aria-label={t('driftAdopt.unexpressibleLabel')}>
                {p.unexpressible.map((u) => (
                  <li key={u.text} data-code={u.code} className="mono">
                    {problemText({ message: u.text, code: u.code, params: u.params })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {p.adoptable && p.changed ? (
            <div className="drift-actions">
              {p.replacesPending ? <p className="callout callout-warn">{t('driftAdopt.replacesPending')}</p> : null}
              <ConfirmButton
                label={t('driftAdopt.adopt')}
                question={t('driftAdopt.question')}
                confirmLabel={t('driftAdopt.confirm')}
                variant="primary"
                busy={adopt.isPending}
                onConfirm={() => adopt.mutate(p.desiredVersion)}
              />
            </div>
          ) : null}
          <ErrorCallout error={adopt.error} />
        </>
      ) : null}
    </section>
  );
}

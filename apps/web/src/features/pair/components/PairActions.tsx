import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { ErrorCallout } from '../../../components/ErrorCallout';
import type { Api } from '../../../lib/types';

type PairConfigured = Extract<Api['PairStatus'], { configured: true }>;

import { useCanEdit } from '../../../lib/session';
import { useFailover, useResume } from '../api/failover';

/**
 * Fail over by hand (maintenance of this node) and take part again. Each
 * asks first and says what happens; viewers see neither.
 */
export function PairActions({ pair }: { pair: PairConfigured }) {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const failover = useFailover();
  const resume = useResume();
  if (!canEdit) return null;
  const peer = pair.peer ?? t('pair.unknown');
  const holds = pair.instances.some((i) => i.state === 'master');
  // Held down by a failover by hand until resumed (an older server does not say: both stay offered).
  const held = pair.heldByHand === true;
  const busy = failover.isPending || resume.isPending;
  return (
    <section className="pair-actions" aria-labelledby="pair-actions-title">
      <h2 id="pair-actions-title">{t('pair.actions.title')}</h2>
      <div className="form-actions">
        <ConfirmButton
          label={t('pair.actions.failover', { peer })}
          question={t('pair.actions.failoverQuestion', { peer })}
          confirmLabel={t('pair.actions.failoverConfirm')}
          busy={failover.isPending}
          disabled={busy || !holds || held}
          onConfirm={() => {
            resume.reset();
            failover.mutate();
          }}
        />
        <ConfirmButton
          label={t('pair.actions.resume')}
          question={t('pair.actions.resumeQuestion')}
          confirmLabel={t('pair.actions.resumeConfirm')}
          variant="primary"
          busy={resume.isPending}
          disabled={busy || pair.heldByHand === false}
          onConfirm={() => {
            failover.reset();
            resume.mutate();
          }}
        />
      </div>
      {!holds && !held ? <p className="muted small">{t('pair.actions.notMaster')}</p> : null}
      <div aria-live="polite" className="notice-area">
        {failover.data ? (
          failover.data.stillHeld.length > 0 ? (
            <p className="callout callout-warn">
              {t('pair.actions.failoverStillHeld', {
                peer,
                segments: failover.data.stillHeld.map((n) => t(`pair.segment.${n}`)).join(', '),
              })}
            </p>
          ) : (
            <p className="callout callout-ok">{t('pair.actions.failoverDone', { peer })}</p>
          )
        ) : resume.data ? (
          <p className="callout callout-ok">
            {resume.data.started ? t('pair.actions.resumeDone') : t('pair.actions.resumeNothing')}
          </p>
        ) : null}
      </div>
      <ErrorCallout error={failover.error ?? resume.error} />
    </section>
  );
}

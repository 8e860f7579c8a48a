import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CommentField } from '../../../components/CommentField';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { useCanEdit } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useAdoptProposal } from '../api/adopt';

const keyOf = (t: { family: string; name: string }) => `${t.family} ${t.name}`;
const TOOLS = ['hand-written', 'firewall4', 'firewalld', 'iptables-nft', 'docker'] as const;

/**
 * Adopting: the tables read, each with a checkbox to retire it (a plain
 * warning of what that means), and the button that makes the proposal the
 * desired state. The apply (with confirmation) is the Apply page's.
 */
export function AdoptForm({ proposal }: { proposal: Api['ImportProposal'] }) {
  const { t } = useTranslation();
  const id = useId();
  const canEdit = useCanEdit();
  const adopt = useAdoptProposal();
  const [retire, setRetire] = useState<Set<string>>(() => new Set());
  const [comment, setComment] = useState('');
  if (!canEdit) return null;
  const toolName = (tool: string) =>
    (TOOLS as readonly string[]).includes(tool) ? t(`importPage.adopt.tools.${tool as (typeof TOOLS)[number]}`) : tool;
  const toggle = (key: string, on: boolean) =>
    setRetire((prev) => {
      const next = new Set(prev);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const tables = proposal.tables.filter((x) => x.retirable && retire.has(keyOf(x)));
    adopt.mutate({
      desiredVersion: proposal.desiredVersion,
      body: {
        retire: tables.map((x) => ({ family: x.family as 'ip', name: x.name })),
        ...(comment ? { comment } : {}),
      },
    });
  };
  const done = adopt.isSuccess ? adopt.data : null;
  return (
    <section className="card import-adopt" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('importPage.adopt.title')}</h2>
      <form onSubmit={onSubmit}>
        <fieldset className="import-retire">
          <legend>{t('importPage.adopt.retireLegend')}</legend>
          <p className="callout callout-warn">{t('importPage.adopt.warning')}</p>
          {proposal.tables.length === 0 ? <p className="muted">{t('importPage.proposal.none')}</p> : null}
          {proposal.tables.map((x) => (
            <div className="field field-check" key={keyOf(x)}>
              <label>
                <input
                  type="checkbox"
                  checked={x.retirable && retire.has(keyOf(x))}
                  disabled={!x.retirable}
                  onChange={(e) => toggle(keyOf(x), e.target.checked)}
                />{' '}
                <code>{`table ${keyOf(x)}`}</code>{' '}
                <span className="muted">
                  {x.retirable
                    ? t('importPage.adopt.tool', { tool: toolName(x.tool) })
                    : t('importPage.adopt.kept', {
                        reason:
                          x.reason === 'import_own_table'
                            ? t('importPage.adopt.reasonOwn')
                            : x.reason === 'import_table_not_restorable'
                              ? t('importPage.adopt.reasonNotRestorable')
                              : t('importPage.adopt.reasonKept', { tool: toolName(x.tool) }),
                      })}
                </span>
              </label>
            </div>
          ))}
        </fieldset>
        <CommentField id={`${id}-comment`} value={comment} onChange={setComment} />
        {!proposal.valid ? <p className="inline-error">{t('importPage.adopt.invalid')}</p> : null}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={!proposal.valid || adopt.isPending}>
            {adopt.isPending ? t('importPage.adopt.submitting') : t('importPage.adopt.submit')}
          </button>
        </div>
      </form>
      <ErrorCallout error={adopt.error} />
      {done ? (
        <div className="callout callout-ok" role="status">
          <p>{t('importPage.adopt.done')}</p>
          {done.retire.length > 0 ? (
            <p>{t('importPage.adopt.doneRetire', { tables: done.retire.map(keyOf).join(', ') })}</p>
          ) : null}
          <Link className="btn btn-primary" to="/apply">
            {t('importPage.adopt.toApply')}
          </Link>
        </div>
      ) : null}
    </section>
  );
}

import { ForwardFilter, Masquerade } from '@gatehouse/rules/model';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { issueText } from '../../../lib/errors';
import { serverFieldErrors } from '../../../lib/form-errors';
import { useCanEdit } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useUpdateGatewaySettings } from '../api/update-gateway-settings';
import { SavedNotice } from './SavedNotice';
import type { SettingsFormProps } from './settings-form-props';

type Traffic = Pick<Api['GatewaySettings'], 'masquerade' | 'filter'>;

/** Masquerade and the forward filter: what the gateway does to traffic it forwards, in plain words. */
export function TrafficSettingsForm({ saved: initial, notice, onNotice: setSaved }: SettingsFormProps) {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const update = useUpdateGatewaySettings();
  const [state, setState] = useState<Traffic>({ masquerade: initial.masquerade, filter: initial.filter });
  const [error, setError] = useState<string | null>(null);
  const ids = useId();

  const change = (next: Partial<Traffic>) => {
    setState((s) => ({ ...s, ...next }));
    setSaved(false);
    setError(null);
  };

  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    const m = Masquerade.safeParse(state.masquerade);
    const f = ForwardFilter.safeParse(state.filter);
    const issue = (!m.success && m.error.issues[0]) || (!f.success && f.error.issues[0]);
    if (issue) {
      setError(issueText(issue));
      return;
    }
    update.mutate(
      { interfaces: initial.interfaces, ...state },
      {
        onSuccess: () => setSaved(true),
        onError: (err) => {
          const e = serverFieldErrors(err, ['masquerade', 'filter'] as const);
          setError(e.masquerade ?? e.filter ?? e.form ?? null);
        },
      },
    );
  };

  const toggle = (key: string, label: string, help: string, checked: boolean, set: (v: boolean) => void) => (
    <div className="setting">
      <div className="setting-head">
        <input
          id={`${ids}-${key}`}
          type="checkbox"
          role="switch"
          aria-checked={checked}
          checked={checked}
          aria-describedby={`${ids}-${key}-help`}
          onChange={(e) => set(e.target.checked)}
        />
        <label htmlFor={`${ids}-${key}`}>{label}</label>
      </div>
      <p className="field-help" id={`${ids}-${key}-help`}>
        {help}
      </p>
    </div>
  );

  const group = (title: string, children: ReactNode) => (
    <fieldset className="settings-group" disabled={!canEdit}>
      <legend>{title}</legend>
      {children}
    </fieldset>
  );

  return (
    <section className="panel gateway-section" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t('gateway.traffic.title')}</h2>
      <form onSubmit={onSubmit} noValidate>
        <ErrorCallout message={error} />
        {group(
          t('gateway.traffic.masquerade'),
          <>
            {toggle(
              'forwardedServers',
              t('gateway.traffic.forwardedServers'),
              t('gateway.traffic.forwardedServersHelp'),
              state.masquerade.forwardedServers,
              (v) => change({ masquerade: { ...state.masquerade, forwardedServers: v } }),
            )}
            {toggle(
              'lanToWan',
              t('gateway.traffic.lanToWan'),
              t('gateway.traffic.lanToWanHelp'),
              state.masquerade.lanToWan,
              (v) => change({ masquerade: { ...state.masquerade, lanToWan: v } }),
            )}
          </>,
        )}
        {group(
          t('gateway.traffic.filter'),
          <>
            <div className="setting" role="radiogroup" aria-labelledby={`${ids}-policy`}>
              <p id={`${ids}-policy`} className="setting-label">
                {t('gateway.traffic.policy')}
              </p>
              {(['accept', 'drop'] as const).map((policy) => (
                <div key={policy} className="radio-row">
                  <input
                    id={`${ids}-policy-${policy}`}
                    type="radio"
                    name={`${ids}-policy`}
                    value={policy}
                    checked={state.filter.policy === policy}
                    aria-describedby={`${ids}-policy-${policy}-help`}
                    onChange={() => change({ filter: { ...state.filter, policy } })}
                  />
                  <div>
                    <label htmlFor={`${ids}-policy-${policy}`}>{t(`gateway.traffic.policy_${policy}`)}</label>
                    <p className="field-help" id={`${ids}-policy-${policy}-help`}>
                      {t(`gateway.traffic.policy_${policy}Help`)}
                    </p>
                  </div>
                </div>
              ))}
            </div>
            {toggle(
              'allowLanToWan',
              t('gateway.traffic.allowLanToWan'),
              t('gateway.traffic.allowLanToWanHelp'),
              state.filter.allowLanToWan,
              (v) => change({ filter: { ...state.filter, allowLanToWan: v } }),
            )}
          </>,
        )}
        {canEdit ? (
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={update.isPending}>
              {update.isPending ? t('common.saving') : t('gateway.traffic.save')}
            </button>
          </div>
        ) : null}
        <SavedNotice show={notice} />
      </form>
    </section>
  );
}

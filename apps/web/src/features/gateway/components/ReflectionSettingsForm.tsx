import { ReflectionPolicy } from '@gatehouse/rules/model';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { Field } from '../../../components/Field';
import { issueText } from '../../../lib/errors';
import { serverFieldErrors } from '../../../lib/form-errors';
import { useCanEdit } from '../../../lib/session';
import { useUpdateGatewaySettings } from '../api/update-gateway-settings';
import { SavedNotice } from './SavedNotice';
import type { SettingsFormProps } from './settings-form-props';

/**
 * NAT reflection (hairpin) for the whole gateway: LAN clients reach the
 * forwards at the public address. A forward can override it in its form.
 * Absent from a model saved before it: off, no public addresses.
 */
export function ReflectionSettingsForm({ saved, notice, onNotice }: SettingsFormProps) {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const update = useUpdateGatewaySettings();
  const initial = saved.reflection ?? { enabled: false, publicAddresses: [] };
  const [enabled, setEnabled] = useState(initial.enabled);
  const [addresses, setAddresses] = useState(initial.publicAddresses.join(', '));
  const [error, setError] = useState<string | null>(null);
  const ids = useId();

  const touched = () => {
    onNotice(false);
    setError(null);
  };

  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    const parsed = ReflectionPolicy.safeParse({
      enabled,
      publicAddresses: addresses.split(/[\s,]+/).filter(Boolean),
    });
    const issue = parsed.error?.issues[0];
    if (!parsed.success || issue) {
      if (issue) setError(issueText(issue));
      return;
    }
    update.mutate(
      { interfaces: saved.interfaces, masquerade: saved.masquerade, filter: saved.filter, reflection: parsed.data },
      {
        onSuccess: () => onNotice(true),
        onError: (err) => {
          const e = serverFieldErrors(err, ['reflection'] as const);
          setError(e.reflection ?? e.form ?? null);
        },
      },
    );
  };

  return (
    <section className="panel gateway-section" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t('ftpsReflection.global.title')}</h2>
      <form onSubmit={onSubmit} noValidate>
        <ErrorCallout message={error} />
        <fieldset className="settings-group" disabled={!canEdit}>
          <legend className="visually-hidden">{t('ftpsReflection.global.title')}</legend>
          <div className="setting">
            <div className="setting-head">
              <input
                id={`${ids}-enabled`}
                name="reflection"
                type="checkbox"
                role="switch"
                aria-checked={enabled}
                checked={enabled}
                aria-describedby={`${ids}-enabled-help`}
                onChange={(e) => {
                  setEnabled(e.target.checked);
                  touched();
                }}
              />
              <label htmlFor={`${ids}-enabled`}>{t('ftpsReflection.global.enabled')}</label>
            </div>
            <p className="field-help" id={`${ids}-enabled-help`}>
              {t('ftpsReflection.global.enabledHelp')}
            </p>
          </div>
          <Field
            label={t('ftpsReflection.global.publicAddresses')}
            help={t('ftpsReflection.global.publicAddressesHelp')}
          >
            {(p) => (
              <input
                {...p}
                name="publicAddresses"
                className="mono"
                inputMode="decimal"
                value={addresses}
                onChange={(e) => {
                  setAddresses(e.target.value);
                  touched();
                }}
                autoComplete="off"
                spellCheck={false}
              />
            )}
          </Field>
        </fieldset>
        {canEdit ? (
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={update.isPending}>
              {update.isPending ? t('common.saving') : t('ftpsReflection.global.save')}
            </button>
          </div>
        ) : null}
        <SavedNotice show={notice} />
      </form>
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import type { FtpsReflectionState } from '../lib/forward-form';
import { Field } from './Field';

export type Protocol = 'tcp' | 'udp' | 'both';

/** Fields both forward forms (LAN forwards and gateway forwards) share. */
export function ProtocolField({
  label,
  error,
  value,
  onChange,
}: {
  label: string;
  error: string | undefined;
  value: Protocol;
  onChange: (protocol: Protocol) => void;
}) {
  const { t } = useTranslation();
  return (
    <Field label={label} error={error}>
      {(p) => (
        <select {...p} name="protocol" value={value} onChange={(e) => onChange(e.target.value as Protocol)}>
          <option value="tcp">{t('forwards.protocol.tcp')}</option>
          <option value="udp">{t('forwards.protocol.udp')}</option>
          <option value="both">{t('forwards.protocol.both')}</option>
        </select>
      )}
    </Field>
  );
}

export function AllowedSourcesField({
  label,
  error,
  rows,
  value,
  onChange,
}: {
  label: string;
  error: string | undefined;
  rows: number;
  value: string;
  onChange: (sources: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Field label={label} help={t('forwards.field.allowedSourcesHelp')} error={error} className="form-wide">
      {(p) => (
        <textarea
          {...p}
          name="allowedSources"
          className="mono"
          rows={rows}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          spellCheck={false}
        />
      )}
    </Field>
  );
}

/** The "enabled" switch and Save/Cancel that close both forward forms. */
export function EnabledAndActions({
  id,
  label,
  enabled,
  onEnabled,
  saving,
  onCancel,
}: {
  id: string;
  label: string;
  enabled: boolean;
  onEnabled: (enabled: boolean) => void;
  saving: boolean;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <div className="field field-check">
        <input
          id={id}
          name="enabled"
          type="checkbox"
          role="switch"
          aria-checked={enabled}
          checked={enabled}
          onChange={(e) => onEnabled(e.target.checked)}
        />
        <label htmlFor={id}>{label}</label>
      </div>
      <div className="form-actions form-wide">
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </>
  );
}

/**
 * A LAN forward's FTPS switch and the server's passive range (shown when on),
 * whose hints say what Gatehouse does and which server setting must announce
 * the public address; then its NAT reflection override.
 */
export function FtpsReflectionFields({
  value,
  errors,
  onChange,
}: {
  value: FtpsReflectionState;
  errors: { ftps?: string | undefined; reflection?: string | undefined };
  /** One field's new value, as [field, value]. */
  onChange: (
    change: { [K in keyof FtpsReflectionState]: [K, FtpsReflectionState[K]] }[keyof FtpsReflectionState],
  ) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <div className="field field-check form-wide">
        <input
          id="forward-ftps"
          name="ftps"
          type="checkbox"
          checked={value.ftps}
          aria-describedby="forward-ftps-help"
          onChange={(e) => onChange(['ftps', e.target.checked])}
        />
        <label htmlFor="forward-ftps">{t('ftpsReflection.ftps')}</label>
        <p className="field-help" id="forward-ftps-help">
          {t('ftpsReflection.ftpsHelp')}
        </p>
      </div>
      {value.ftps ? (
        <Field
          label={t('ftpsReflection.passivePorts')}
          help={t('ftpsReflection.passivePortsHelp')}
          error={errors.ftps}
          className="form-wide"
        >
          {(p) => (
            <input
              {...p}
              name="passivePorts"
              className="mono"
              inputMode="numeric"
              placeholder="40000-40009"
              value={value.passivePorts}
              onChange={(e) => onChange(['passivePorts', e.target.value])}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
      ) : null}
      <Field label={t('ftpsReflection.reflection')} help={t('ftpsReflection.reflectionHelp')} error={errors.reflection}>
        {(p) => (
          <select
            {...p}
            name="reflection"
            value={value.reflection}
            onChange={(e) => onChange(['reflection', e.target.value as FtpsReflectionState['reflection']])}
          >
            <option value="">{t('ftpsReflection.reflectionDefault')}</option>
            <option value="on">{t('ftpsReflection.reflectionOn')}</option>
            <option value="off">{t('ftpsReflection.reflectionOff')}</option>
          </select>
        )}
      </Field>
    </>
  );
}

import { useTranslation } from 'react-i18next';
import { moduleStateKey, moduleTone } from '../../../components/ModuleState';
import type { FieldErrors } from '../../../lib/form-errors';
import type { Api } from '../../../lib/types';
import { ListField } from './ListField';
import { type FtpField, type FtpPolicy, problems } from './validate';

/** Implicit FTPS: the whole control connection is TLS from the first byte. */
const IMPLICIT_FTPS_PORT = 990;

/** Whether a port spec such as "1-2221,2223-65535" includes the port. */
function specContains(spec: string, port: number): boolean {
  return spec.split(',').some((part) => {
    const [a, b] = part.split('-').map((x) => Number(x.trim()));
    return a !== undefined && port >= a && port <= (b ?? a);
  });
}

export interface FtpCardProps {
  ids: string;
  policy: FtpPolicy;
  errors: FieldErrors<FtpField>;
  drafts: { port: string; server: string };
  canEdit: boolean;
  forwards: Api['PortForward'][] | undefined;
  natState: string | undefined;
  onChange: (next: Partial<FtpPolicy>) => void;
  onDraft: (next: Partial<{ port: string; server: string }>) => void;
}

/** The FTP helper: the family's first member, with passive-only and the TLS warning of its own. */
export function FtpCard({ ids, policy, errors, drafts, canEdit, forwards, natState, onChange, onDraft }: FtpCardProps) {
  const { t } = useTranslation();
  const desc = (name: string, hasError: boolean) => `${hasError ? `${ids}-${name}-error ` : ''}${ids}-${name}-help`;
  const exposes990 =
    policy.controlPorts.includes(IMPLICIT_FTPS_PORT) ||
    (forwards ?? []).some((f) => f.enabled && f.protocol !== 'udp' && specContains(f.publicPorts, IMPLICIT_FTPS_PORT));
  return (
    <section className="helper-card" aria-labelledby={`${ids}-title`}>
      <h2 className="helper-card-title" id={`${ids}-title`}>
        {t('ftp.title')}
      </h2>
      <fieldset className="setting" disabled={!canEdit}>
        <legend className="visually-hidden">{t('ftp.helper')}</legend>
        <div className="setting-head">
          <input
            id={`${ids}-enabled`}
            type="checkbox"
            role="switch"
            aria-checked={policy.enabled}
            checked={policy.enabled}
            aria-describedby={desc('enabled', !!errors.enabled)}
            onChange={(e) => onChange({ enabled: e.target.checked })}
          />
          <label htmlFor={`${ids}-enabled`}>{t('ftp.helper')}</label>
        </div>
        <p className="field-help" id={`${ids}-enabled-help`}>
          {t('ftp.helperHelp')}
        </p>
        {errors.enabled ? (
          <p className="field-error" id={`${ids}-enabled-error`}>
            {errors.enabled}
          </p>
        ) : null}
        <p className={`status-line status-${moduleTone(natState)}`}>
          <span className="status-dot" aria-hidden="true" />
          <span>{t('ftp.natModule', { state: t(`dashboard.moduleState.${moduleStateKey(natState)}`) })}</span>
        </p>
      </fieldset>

      <fieldset className="setting" disabled={!canEdit}>
        <ListField
          id={`${ids}-controlPorts`}
          legend={t('ftp.controlPorts')}
          help={t('ftp.controlPortsHelp')}
          items={policy.controlPorts}
          newLabel={t('ftp.newPort')}
          addLabel={t('ftp.addPort')}
          removeLabel={(port) => t('ftp.removePort', { port })}
          placeholder="2121"
          inputMode="numeric"
          parse={Number}
          problem={problems.ftpPort}
          error={errors.controlPorts}
          draft={drafts.port}
          onDraft={(port) => onDraft({ port })}
          onChange={(controlPorts) => onChange({ controlPorts })}
        />
      </fieldset>

      <fieldset className="setting" disabled={!canEdit}>
        <ListField
          id={`${ids}-servers`}
          legend={t('ftp.servers')}
          help={t('ftp.serversHelp')}
          items={policy.servers}
          emptyText={t('ftp.allServers')}
          newLabel={t('ftp.newServer')}
          addLabel={t('ftp.addServer')}
          removeLabel={(server) => t('ftp.removeServer', { server })}
          placeholder="192.168.1.2"
          inputMode="decimal"
          parse={String}
          problem={problems.server}
          error={errors.servers}
          suggestions={[...new Set((forwards ?? []).filter((f) => f.protocol !== 'udp').map((f) => f.target))]}
          draft={drafts.server}
          onDraft={(server) => onDraft({ server })}
          onChange={(servers) => onChange({ servers })}
        />
      </fieldset>

      <fieldset className="setting" disabled={!canEdit}>
        <legend className="visually-hidden">{t('ftp.passiveOnly')}</legend>
        <div className="setting-head">
          <input
            id={`${ids}-passiveOnly`}
            type="checkbox"
            role="switch"
            aria-checked={policy.passiveOnly}
            checked={policy.passiveOnly}
            aria-describedby={desc('passiveOnly', !!errors.passiveOnly)}
            onChange={(e) => onChange({ passiveOnly: e.target.checked })}
          />
          <label htmlFor={`${ids}-passiveOnly`}>{t('ftp.passiveOnly')}</label>
        </div>
        <p className="field-help" id={`${ids}-passiveOnly-help`}>
          {t('ftp.passiveOnlyHelp')}
        </p>
        {errors.passiveOnly ? (
          <p className="field-error" id={`${ids}-passiveOnly-error`}>
            {errors.passiveOnly}
          </p>
        ) : null}
      </fieldset>

      {policy.enabled ? (
        <div className={`callout ${exposes990 ? 'callout-error' : 'callout-warn'}`} role="note">
          <strong>{t('ftp.tlsTitle')}</strong>
          <p>{t('ftp.tlsBody')}</p>
          {exposes990 ? <p>{t('ftp.tls990')}</p> : null}
        </div>
      ) : null}
    </section>
  );
}

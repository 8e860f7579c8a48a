import { useTranslation } from 'react-i18next';
import { moduleStateKey, moduleTone } from '../../../components/ModuleState';
import type { FieldErrors } from '../../../lib/form-errors';
import type { Api } from '../../../lib/types';
import { ListField } from './ListField';
import { problems, type TftpField, type TftpPolicy } from './validate';

export interface TftpCardProps {
  ids: string;
  policy: TftpPolicy;
  errors: FieldErrors<TftpField>;
  drafts: { port: string; server: string };
  canEdit: boolean;
  forwards: Api['PortForward'][] | undefined;
  /** nf_nat_tftp as the server reports it. */
  natState: string | undefined;
  onChange: (next: Partial<TftpPolicy>) => void;
  onDraft: (next: Partial<{ port: string; server: string }>) => void;
}

/** The TFTP helper: the same controls as FTP's (on/off, ports, servers); passive-only is FTP's alone. */
export function TftpCard({
  ids,
  policy,
  errors,
  drafts,
  canEdit,
  forwards,
  natState,
  onChange,
  onDraft,
}: TftpCardProps) {
  const { t } = useTranslation();
  const describedBy = `${errors.enabled ? `${ids}-enabled-error ` : ''}${ids}-enabled-help`;
  return (
    <section className="helper-card" aria-labelledby={`${ids}-title`}>
      <h2 className="helper-card-title" id={`${ids}-title`}>
        {t('helpers.tftp')}
      </h2>
      <p className="muted">{t('helpers.tftpIntro')}</p>
      <fieldset className="setting" disabled={!canEdit}>
        <legend className="visually-hidden">{t('helpers.tftpHelper')}</legend>
        <div className="setting-head">
          <input
            id={`${ids}-enabled`}
            type="checkbox"
            role="switch"
            aria-checked={policy.enabled}
            checked={policy.enabled}
            aria-describedby={describedBy}
            onChange={(e) => onChange({ enabled: e.target.checked })}
          />
          <label htmlFor={`${ids}-enabled`}>{t('helpers.tftpHelper')}</label>
        </div>
        <p className="field-help" id={`${ids}-enabled-help`}>
          {t('helpers.tftpHelperHelp')}
        </p>
        {errors.enabled ? (
          <p className="field-error" id={`${ids}-enabled-error`}>
            {errors.enabled}
          </p>
        ) : null}
        <p className={`status-line status-${moduleTone(natState)}`}>
          <span className="status-dot" aria-hidden="true" />
          <span>{t('helpers.natTftp', { state: t(`dashboard.moduleState.${moduleStateKey(natState)}`) })}</span>
        </p>
      </fieldset>

      <fieldset className="setting" disabled={!canEdit}>
        <ListField
          id={`${ids}-ports`}
          legend={t('helpers.tftpPorts')}
          help={t('helpers.tftpPortsHelp')}
          items={policy.ports}
          newLabel={t('helpers.newTftpPort')}
          addLabel={t('helpers.addTftpPort')}
          removeLabel={(port) => t('helpers.removeTftpPort', { port })}
          placeholder="69"
          inputMode="numeric"
          parse={Number}
          problem={problems.tftpPort}
          error={errors.ports}
          draft={drafts.port}
          onDraft={(port) => onDraft({ port })}
          onChange={(ports) => onChange({ ports })}
        />
      </fieldset>

      <fieldset className="setting" disabled={!canEdit}>
        <ListField
          id={`${ids}-servers`}
          legend={t('helpers.tftpServers')}
          help={t('helpers.tftpServersHelp')}
          items={policy.servers}
          emptyText={t('helpers.allUdpServers')}
          newLabel={t('helpers.newTftpServer')}
          addLabel={t('helpers.addTftpServer')}
          removeLabel={(server) => t('helpers.removeTftpServer', { server })}
          placeholder="192.168.1.2"
          inputMode="decimal"
          parse={String}
          problem={problems.server}
          error={errors.servers}
          suggestions={[...new Set((forwards ?? []).filter((f) => f.protocol !== 'tcp').map((f) => f.target))]}
          draft={drafts.server}
          onDraft={(server) => onDraft({ server })}
          onChange={(servers) => onChange({ servers })}
        />
      </fieldset>
    </section>
  );
}

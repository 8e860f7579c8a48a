import { useTranslation } from 'react-i18next';
import { moduleStateKey } from '../../../components/ModuleState';
import type { FieldErrors } from '../../../lib/form-errors';
import type { Api } from '../../../lib/types';
import { HelperCard } from './HelperCard';
import { SwitchSetting } from './SwitchSetting';
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
  const exposes990 =
    policy.controlPorts.includes(IMPLICIT_FTPS_PORT) ||
    (forwards ?? []).some((f) => f.enabled && f.protocol !== 'udp' && specContains(f.publicPorts, IMPLICIT_FTPS_PORT));
  return (
    <HelperCard
      ids={ids}
      portsField="controlPorts"
      texts={{
        title: t('ftp.title'),
        helper: t('ftp.helper'),
        helperHelp: t('ftp.helperHelp'),
        natModule: t('ftp.natModule', { state: t(`dashboard.moduleState.${moduleStateKey(natState)}`) }),
        ports: {
          legend: t('ftp.controlPorts'),
          help: t('ftp.controlPortsHelp'),
          newLabel: t('ftp.newPort'),
          addLabel: t('ftp.addPort'),
          removeLabel: (port) => t('ftp.removePort', { port }),
          placeholder: '2121',
        },
        servers: {
          legend: t('ftp.servers'),
          help: t('ftp.serversHelp'),
          emptyText: t('ftp.allServers'),
          newLabel: t('ftp.newServer'),
          addLabel: t('ftp.addServer'),
          removeLabel: (server) => t('ftp.removeServer', { server }),
        },
      }}
      portProblem={problems.ftpPort}
      otherProtocol="udp"
      enabled={policy.enabled}
      ports={policy.controlPorts}
      servers={policy.servers}
      errors={{ enabled: errors.enabled, ports: errors.controlPorts, servers: errors.servers }}
      drafts={drafts}
      canEdit={canEdit}
      forwards={forwards}
      natState={natState}
      onEnabled={(enabled) => onChange({ enabled })}
      onPorts={(controlPorts) => onChange({ controlPorts })}
      onServers={(servers) => onChange({ servers })}
      onDraft={onDraft}
    >
      <SwitchSetting
        id={`${ids}-passiveOnly`}
        label={t('ftp.passiveOnly')}
        help={t('ftp.passiveOnlyHelp')}
        checked={policy.passiveOnly}
        error={errors.passiveOnly}
        disabled={!canEdit}
        onChange={(passiveOnly) => onChange({ passiveOnly })}
      />

      {policy.enabled ? (
        <div className={`callout ${exposes990 ? 'callout-error' : 'callout-warn'}`} role="note">
          <strong>{t('ftp.tlsTitle')}</strong>
          <p>{t('ftp.tlsBody')}</p>
          {exposes990 ? <p>{t('ftp.tls990')}</p> : null}
        </div>
      ) : null}
    </HelperCard>
  );
}

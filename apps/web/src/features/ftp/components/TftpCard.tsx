import { useTranslation } from 'react-i18next';
import { moduleStateKey } from '../../../components/ModuleState';
import type { FieldErrors } from '../../../lib/form-errors';
import type { Api } from '../../../lib/types';
import { HelperCard } from './HelperCard';
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
  return (
    <HelperCard
      ids={ids}
      portsField="ports"
      texts={{
        title: t('helpers.tftp'),
        intro: t('helpers.tftpIntro'),
        helper: t('helpers.tftpHelper'),
        helperHelp: t('helpers.tftpHelperHelp'),
        natModule: t('helpers.natTftp', { state: t(`dashboard.moduleState.${moduleStateKey(natState)}`) }),
        ports: {
          legend: t('helpers.tftpPorts'),
          help: t('helpers.tftpPortsHelp'),
          newLabel: t('helpers.newTftpPort'),
          addLabel: t('helpers.addTftpPort'),
          removeLabel: (port) => t('helpers.removeTftpPort', { port }),
          placeholder: '69',
        },
        servers: {
          legend: t('helpers.tftpServers'),
          help: t('helpers.tftpServersHelp'),
          emptyText: t('helpers.allUdpServers'),
          newLabel: t('helpers.newTftpServer'),
          addLabel: t('helpers.addTftpServer'),
          removeLabel: (server) => t('helpers.removeTftpServer', { server }),
        },
      }}
      portProblem={problems.tftpPort}
      otherProtocol="tcp"
      enabled={policy.enabled}
      ports={policy.ports}
      servers={policy.servers}
      errors={errors}
      drafts={drafts}
      canEdit={canEdit}
      forwards={forwards}
      natState={natState}
      onEnabled={(enabled) => onChange({ enabled })}
      onPorts={(ports) => onChange({ ports })}
      onServers={(servers) => onChange({ servers })}
      onDraft={onDraft}
    />
  );
}

import { useTranslation } from 'react-i18next';
import { ModuleStateText, moduleTone } from '../../../components/ModuleState';
import type { Api } from '../../../lib/types';
import { Card } from './Card';

/** The helper family's second member, next to FTP's card: on/off with its ports, and nf_nat_tftp. */
export function TftpCard({ status }: { status: Api['Status'] }) {
  const { t } = useTranslation();
  const tftp = status.tftp;
  const nat = tftp.natTftp?.state;
  return (
    <Card id="dash-tftp" title={t('dashboard.tftp')}>
      <dl className="kv">
        <dt>{t('dashboard.tftp')}</dt>
        <dd className={`status-${tftp.enabled ? 'good' : 'neutral'}`}>
          {tftp.enabled ? t('common.on') : t('common.off')}
        </dd>
        <dt>{t('dashboard.tftpPorts')}</dt>
        <dd className="mono">{tftp.ports.join(', ')}</dd>
        <dt className="mono">nf_nat_tftp</dt>
        <dd className={`status-${moduleTone(nat)}`} title={tftp.natTftp?.evidence}>
          <ModuleStateText state={nat} />
        </dd>
      </dl>
      {tftp.enabled && moduleTone(nat) === 'bad' ? (
        <p className="callout callout-error">{t('dashboard.natTftpMissing')}</p>
      ) : null}
    </Card>
  );
}

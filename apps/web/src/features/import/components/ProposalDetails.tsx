import { useTranslation } from 'react-i18next';
import { DataTable } from '../../../components/DataTable';
import type { Api } from '../../../lib/types';

/** The proposed model as read (it may be invalid, so every part is optional). */
interface ProposedModel {
  forwards?: Array<{
    id: string;
    name?: string;
    protocol?: string;
    publicPorts?: string;
    target?: string;
    targetPort?: number;
  }>;
  gatewayForwards?: Array<{ id: string; name?: string; protocol?: string; publicPort?: number; localPort?: number }>;
  ftp?: { enabled?: boolean; controlPorts?: number[]; passiveOnly?: boolean };
  masquerade?: { forwardedServers?: boolean; lanToWan?: boolean };
}

/** The proposal's parts: forwards, gateway forwards, the FTP helper, masquerade, interfaces (live or not). */
export function ProposalDetails({ proposal }: { proposal: Api['ImportProposal'] }) {
  const { t } = useTranslation();
  const m = proposal.model as ProposedModel;
  const forwards = m.forwards ?? [];
  const gatewayForwards = m.gatewayForwards ?? [];
  const yesNo = (v: boolean | undefined) => (v ? t('common.yes') : t('common.no'));
  return (
    <section className="card import-proposal" aria-labelledby="import-proposal-title">
      <h2 id="import-proposal-title">{t('importPage.proposal.title')}</h2>

      <h3>{t('importPage.proposal.interfaces')}</h3>
      <ul className="import-interfaces">
        {proposal.interfaces.map((i) => (
          <li key={`${i.role}:${i.name}`}>
            <span className="tag tag-info">
              {t(i.role === 'wan' ? 'importPage.proposal.wan' : 'importPage.proposal.lan')}
            </span>{' '}
            <code>{i.name}</code>{' '}
            {i.live ? (
              <span className="muted">{t('importPage.proposal.live')}</span>
            ) : (
              <span className="inline-error" role="note">
                {t('importPage.proposal.missing', { name: i.name })}
              </span>
            )}
          </li>
        ))}
      </ul>

      <h3>{t('importPage.proposal.forwards')}</h3>
      <DataTable
        label={t('importPage.proposal.forwards')}
        rows={forwards}
        rowKey={(f) => f.id}
        empty={t('importPage.proposal.none')}
        columns={[
          { key: 'name', header: t('importPage.proposal.name'), rowHeader: true, cell: (f) => f.name ?? f.id },
          { key: 'protocol', header: t('importPage.proposal.protocol'), cell: (f) => f.protocol ?? 'tcp' },
          { key: 'ports', header: t('importPage.proposal.ports'), className: 'mono', cell: (f) => f.publicPorts },
          {
            key: 'target',
            header: t('importPage.proposal.target'),
            className: 'mono',
            cell: (f) => `${f.target ?? ''}${f.targetPort !== undefined ? `:${f.targetPort}` : ''}`,
          },
        ]}
      />

      <h3>{t('importPage.proposal.gatewayForwards')}</h3>
      <DataTable
        label={t('importPage.proposal.gatewayForwards')}
        rows={gatewayForwards}
        rowKey={(g) => g.id}
        empty={t('importPage.proposal.none')}
        columns={[
          { key: 'name', header: t('importPage.proposal.name'), rowHeader: true, cell: (g) => g.name ?? g.id },
          { key: 'protocol', header: t('importPage.proposal.protocol'), cell: (g) => g.protocol ?? 'tcp' },
          { key: 'public', header: t('importPage.proposal.publicPort'), className: 'mono', cell: (g) => g.publicPort },
          { key: 'local', header: t('importPage.proposal.localPort'), className: 'mono', cell: (g) => g.localPort },
        ]}
      />

      <dl className="import-settings">
        <dt>{t('importPage.proposal.helper')}</dt>
        <dd>
          {m.ftp?.enabled
            ? t('importPage.proposal.helperPorts', { ports: (m.ftp.controlPorts ?? []).join(', ') })
            : t('common.off')}
          {m.ftp?.enabled && m.ftp.passiveOnly ? ` (${t('importPage.summary.passiveOnly')})` : ''}
        </dd>
        <dt>{t('importPage.proposal.masquerade')}</dt>
        <dd>
          {t('importPage.summary.forwardedServers')}: {yesNo(m.masquerade?.forwardedServers)},{' '}
          {t('importPage.summary.lanToWan')}: {yesNo(m.masquerade?.lanToWan)}
        </dd>
      </dl>
    </section>
  );
}

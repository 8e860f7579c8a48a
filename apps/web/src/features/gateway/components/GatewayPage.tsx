import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../../components/PageHeader';
import { QueryState } from '../../../components/QueryState';
import { useCanEdit } from '../../../lib/session';
import { useGatewaySettings } from '../api/get-gateway-settings';
import { GatewayForwardsSection } from './GatewayForwardsSection';
import { InterfaceRolesForm } from './InterfaceRolesForm';
import { ReflectionSettingsForm } from './ReflectionSettingsForm';
import { TrafficSettingsForm } from './TrafficSettingsForm';

/** Everything of the model that is not a port forward or FTP: the way back in, masquerade, filter, interface roles. */
export function GatewayPage() {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const settings = useGatewaySettings();
  const [notice, setNotice] = useState<'traffic' | 'reflection' | 'roles' | null>(null);
  return (
    <section aria-labelledby="page-title" className="gateway-page">
      <PageHeader title={t('gateway.title')} />
      <p className="lede">{t('gateway.intro')}</p>
      {!canEdit ? <p className="callout callout-info">{t('common.readOnly')}</p> : null}
      <GatewayForwardsSection />
      <QueryState query={settings}>
        {(s) => (
          // Re-mounted with what the server holds after every save, so the forms start from it.
          <div key={JSON.stringify(s)} className="gateway-settings">
            <TrafficSettingsForm
              saved={s}
              notice={notice === 'traffic'}
              onNotice={(show) => setNotice(show ? 'traffic' : null)}
            />
            <ReflectionSettingsForm
              saved={s}
              notice={notice === 'reflection'}
              onNotice={(show) => setNotice(show ? 'reflection' : null)}
            />
            <InterfaceRolesForm
              saved={s}
              notice={notice === 'roles'}
              onNotice={(show) => setNotice(show ? 'roles' : null)}
            />
          </div>
        )}
      </QueryState>
    </section>
  );
}

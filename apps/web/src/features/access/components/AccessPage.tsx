import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../../components/PageHeader';
import { useCanEdit } from '../../../lib/session';
import { AuditLog } from './AuditLog';
import { PasswordSection } from './PasswordSection';
import { TokensSection } from './TokensSection';
import { UsersSection } from './UsersSection';

export function AccessPage() {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  return (
    <section aria-labelledby="page-title" className="access">
      <PageHeader title={t('access.title')} />
      {/* Users and API tokens are the admin's: the server refuses both to a viewer. */}
      {canEdit ? (
        <>
          <UsersSection />
          <TokensSection />
        </>
      ) : (
        <p className="callout callout-info">{t('common.readOnly')}</p>
      )}
      <PasswordSection />
      <AuditLog />
    </section>
  );
}

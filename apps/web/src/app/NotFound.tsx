import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('notFound.title')} />
      <Link to="/">{t('notFound.back')}</Link>
    </section>
  );
}

import type { TFunction } from 'i18next';
import { ApiError } from './api';

/** One sentence for an error, in the operator's language where we know the case. */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return t('errors.forbidden');
    if (error.status === 404) return t('errors.notFound');
    if (error.status === 409) return error.message || t('errors.conflict');
    if (error.status >= 500) return t('errors.server', { status: error.status });
    return t('errors.generic', { message: error.message });
  }
  if (error instanceof TypeError) return t('errors.network');
  return t('errors.generic', { message: error instanceof Error ? error.message : String(error) });
}

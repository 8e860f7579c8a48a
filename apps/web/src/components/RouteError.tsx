import { useTranslation } from 'react-i18next';
import { Link, useRouteError } from 'react-router';

/**
 * Browsers' messages for a dynamic import whose file is gone: after an
 * upgrade the old page asks for chunks by their old hashed names.
 * Chromium, Firefox, Safari, and Vite's own preload helper.
 */
const CHUNK_LOAD_FAILED = [
  /failed to fetch dynamically imported module/i,
  /error loading dynamically imported module/i,
  /importing a module script failed/i,
  /unable to preload css/i,
];

export function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return CHUNK_LOAD_FAILED.some((re) => re.test(message));
}

/**
 * The router's errorElement: a page that failed to load or to render. A
 * missing chunk means a newer version is deployed, and a reload fixes it;
 * anything else gets a plain apology. Never a stack trace.
 */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  const stale = isChunkLoadError(error);
  return (
    <div className="route-error callout callout-warn" role="alert">
      <h1>{stale ? t('recovery.newVersionTitle') : t('recovery.errorTitle')}</h1>
      <p>{stale ? t('recovery.newVersionBody') : t('recovery.errorBody')}</p>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
          {t('recovery.reload')}
        </button>
        {stale ? null : (
          <Link className="btn" to="/" reloadDocument>
            {t('recovery.toDashboard')}
          </Link>
        )}
      </div>
    </div>
  );
}

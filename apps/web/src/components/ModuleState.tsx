import { useTranslation } from 'react-i18next';

/** Kernel module states as the server reports them (nf_nat_ftp: loaded, builtin, missing...). */
export function moduleTone(state: string | undefined | null): 'good' | 'bad' | 'neutral' {
  if (state === 'loaded' || state === 'builtin' || state === 'built-in') return 'good';
  if (state === 'missing' || state === 'not-loaded' || state === 'absent') return 'bad';
  return 'neutral';
}

export function moduleStateKey(state: string | undefined | null): 'loaded' | 'builtin' | 'missing' | 'unknown' {
  const tone = moduleTone(state);
  return state === 'loaded' ? 'loaded' : tone === 'good' ? 'builtin' : tone === 'bad' ? 'missing' : 'unknown';
}

export function ModuleStateText({ state }: { state: string | undefined | null }) {
  const { t } = useTranslation();
  return <>{t(`dashboard.moduleState.${moduleStateKey(state)}`)}</>;
}

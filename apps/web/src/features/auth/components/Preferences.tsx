import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../../../lib/i18n';
import { applyTheme, chosenTheme, type Theme } from '../../../lib/theme';

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', ja: '日本語' };
const THEMES: readonly Theme[] = ['system', 'light', 'dark'];
const THEME_LABEL_KEYS = { system: 'nav.themeSystem', light: 'nav.themeLight', dark: 'nav.themeDark' } as const;

/** Language and theme switches; shown in the header and on the login page. */
export function Preferences() {
  const { t, i18n } = useTranslation();
  const ids = useId();
  const [theme, setTheme] = useState<Theme>(chosenTheme);
  const chooseTheme = (next: Theme) => {
    setTheme(next);
    applyTheme(next, true);
  };
  const lang = (LANGUAGES as readonly string[]).includes(i18n.language) ? i18n.language : 'en';
  return (
    <div className="prefs">
      <label htmlFor={`${ids}-lang`} className="visually-hidden">
        {t('nav.language')}
      </label>
      <select id={`${ids}-lang`} value={lang} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
      <label htmlFor={`${ids}-theme`} className="visually-hidden">
        {t('nav.theme')}
      </label>
      <select id={`${ids}-theme`} value={theme} onChange={(e) => chooseTheme(e.target.value as Theme)}>
        {THEMES.map((th) => (
          <option key={th} value={th}>
            {t(THEME_LABEL_KEYS[th])}
          </option>
        ))}
      </select>
    </div>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../../../lib/i18n';
import { applyTheme, initialTheme, type Theme } from '../../../lib/theme';

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', ja: '日本語' };

/** Language and theme switches; shown in the header and on the login page. */
export function Preferences() {
  const { t, i18n } = useTranslation();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    setTheme(next);
    applyTheme(next, true);
  };
  const lang = (LANGUAGES as readonly string[]).includes(i18n.language) ? i18n.language : 'en';
  return (
    <div className="prefs">
      <label htmlFor="pref-lang" className="visually-hidden">
        {t('nav.language')}
      </label>
      <select id="pref-lang" value={lang} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn btn-small"
        aria-label={`${t('nav.theme')}: ${theme === 'dark' ? t('nav.themeDark') : t('nav.themeLight')}`}
        onClick={toggleTheme}
      >
        <span aria-hidden="true">{theme === 'dark' ? '☾ ' : '☀ '}</span>
        {theme === 'dark' ? t('nav.themeDark') : t('nav.themeLight')}
      </button>
    </div>
  );
}

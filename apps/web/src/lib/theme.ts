/** Dark and light themes: the operator's choice wins, otherwise the system's. */
export type Theme = 'dark' | 'light';
const KEY = 'gatehouse.theme';

export function initialTheme(): Theme {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'dark' || saved === 'light') return saved;
  } catch {
    // storage may be disabled
  }
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** Shows a theme; `remember` only when the operator chose it, so the system preference keeps applying otherwise. */
export function applyTheme(theme: Theme, remember = false): void {
  document.documentElement.dataset.theme = theme;
  if (!remember) return;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // ignore
  }
}

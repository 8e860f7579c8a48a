/**
 * Dark, light, or the system's: the operator's choice wins; "system" (the
 * default) follows prefers-color-scheme live, so a laptop switching to dark
 * at sunset switches the panel too.
 */
export type Theme = 'dark' | 'light' | 'system';
const KEY = 'gatehouse.theme';
const LIGHT_QUERY = '(prefers-color-scheme: light)';

let current: Theme = 'system';
let following: MediaQueryList | null = null;

function systemTheme(): 'dark' | 'light' {
  return typeof matchMedia === 'function' && matchMedia(LIGHT_QUERY).matches ? 'light' : 'dark';
}

function show(): void {
  document.documentElement.dataset.theme = current === 'system' ? systemTheme() : current;
}

export function initialTheme(): Theme {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'dark' || saved === 'light') return saved;
  } catch {
    // storage may be disabled
  }
  return 'system';
}

/** Shows a theme; `remember` when the operator chose it (choosing "system" forgets the saved one). */
export function applyTheme(theme: Theme, remember = false): void {
  current = theme;
  if (!following && typeof matchMedia === 'function') {
    // One listener for the page's life; it only acts while the choice is "system".
    following = matchMedia(LIGHT_QUERY);
    following.addEventListener('change', () => {
      if (current === 'system') show();
    });
  }
  show();
  if (!remember) return;
  try {
    if (theme === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
  } catch {
    // ignore
  }
}

/** The theme as chosen ('system' included), for the switch that shows it. */
export function chosenTheme(): Theme {
  return current;
}

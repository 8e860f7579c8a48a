import { useSyncExternalStore } from 'react';

/** The width under which styles.css lays pages out for a phone (keep the two in step). */
export const PHONE_QUERY = '(max-width: 800px)';

/** Whether a media query matches, following it live (rotation, a resized window). */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      if (typeof matchMedia !== 'function') return () => {};
      const list = matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => typeof matchMedia === 'function' && matchMedia(query).matches,
    () => false,
  );
}

/**
 * A flow's figures as a person reads them: "2 h" rather than "119:59:53",
 * "1.2 MiB" rather than 1234567. Rows are drawn on every scroll step, so the
 * formatters are built once per language (Intl constructors and i18next's t()
 * cost tens of microseconds a call).
 */

/** Unit patterns of one language, each with `{{n}}` for the number (locales: connections.units). */
export interface DurationUnits {
  s: string;
  min: string;
  h: string;
  d: string;
}

export interface FlowFormatter {
  /** Seconds as the largest unit that reads well, rounded: 7193 s -> "2 h", 90 s -> "2 min". */
  duration(seconds: number): string;
  count(n: number): string;
  bytes(n: number): string;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function flowFormatter(locale: string, units: DurationUnits): FlowFormatter {
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const one = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const split = (p: string) => {
    const [before = '', after = ''] = p.split('{{n}}');
    return (n: number) => before + int.format(n) + after;
  };
  const s = split(units.s);
  const min = split(units.min);
  const h = split(units.h);
  const d = split(units.d);
  return {
    duration(seconds) {
      const v = Math.max(0, Math.round(seconds));
      if (v < 90) return s(v);
      if (v < 90 * 60) return min(Math.round(v / 60));
      if (v < 36 * 3600) return h(Math.round(v / 3600));
      return d(Math.round(v / 86400));
    },
    count: (n) => int.format(n),
    bytes(n) {
      let v = n;
      let i = 0;
      while (v >= 1024 && i < BYTE_UNITS.length - 1) {
        v /= 1024;
        i++;
      }
      return `${(i === 0 ? int : one).format(v)} ${BYTE_UNITS[i]}`;
    },
  };
}

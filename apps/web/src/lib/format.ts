/** Display formatting in the current UI language. */
import i18n from './i18n';
import type { Api } from './types';

const locale = () => (i18n.language === 'ja' ? 'ja-JP' : 'en-GB');

export function toDate(value: string | number | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = typeof value === 'number' ? new Date(value) : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDateTime(value: string | number | null | undefined): string {
  const d = toDate(value);
  return d ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'medium' }).format(d) : '—';
}

export function formatRelative(value: string | number | null | undefined, now = Date.now()): string {
  const d = toDate(value);
  if (!d) return '—';
  const secs = Math.round((d.getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const abs = Math.abs(secs);
  if (abs < 60) return rtf.format(secs, 'second');
  if (abs < 3600) return rtf.format(Math.round(secs / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(secs / 3600), 'hour');
  return rtf.format(Math.round(secs / 86400), 'day');
}

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat(locale()).format(n);
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${new Intl.NumberFormat(locale(), { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v)} ${units[i]}`;
}

/** Seconds as m:ss or h:mm:ss, for timeouts and countdowns. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** An interface's state (the kernel's UP, DOWN, UNKNOWN, ...) in the UI's language; an unknown one as the kernel says it. */
export function formatInterfaceState(state: string): string {
  const key = `interfaceState.${state.toLowerCase()}`;
  return i18n.exists(key) ? (i18n.t as unknown as (k: string) => string)(key) : state.toLowerCase();
}

export function formatEndpoint(address: string, port: number | null | undefined): string {
  return port === null || port === undefined || port === 0 ? address : `${address}:${port}`;
}

export function formatTuple(e: Api['TupleRow']): string {
  return `${formatEndpoint(e.src, e.sport)} → ${formatEndpoint(e.dst, e.dport)}`;
}

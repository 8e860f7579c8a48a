/**
 * Flows and expectations over time, drawn by uPlot: a time axis, one y scale
 * per series (flows run in thousands, expectations in single digits, and each
 * shape should be readable), a legend with the values under the cursor, and
 * the theme's colours. The chart is rebuilt when the theme, the language or
 * the width changes, and fed new data in place otherwise.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { CountSample } from '../api/conntrack-series';

const HEIGHT = 200;

interface Palette {
  text: string;
  muted: string;
  grid: string;
  flows: string;
  expectations: string;
}

function readPalette(): Palette {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#d8dee6'),
    muted: v('--text-muted', '#8b97a5'),
    grid: v('--border', '#2a333d'),
    flows: v('--accent', '#4fb3a0'),
    expectations: v('--warn', '#e3b34f'),
  };
}

/** The theme is a data attribute on <html> (lib/theme.ts): follow its changes. */
function useThemeKey(): string {
  const [key, setKey] = useState(() => document.documentElement.dataset.theme ?? '');
  useEffect(() => {
    const observer = new MutationObserver(() => setKey(document.documentElement.dataset.theme ?? ''));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return key;
}

const toData = (samples: readonly CountSample[]): uPlot.AlignedData => [
  samples.map((s) => s.at / 1000),
  samples.map((s) => s.flows),
  samples.map((s) => s.expectations),
];

/** From zero to a little above the highest value, and never an empty range for a flat series. */
const fromZero: uPlot.Range.Function = (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.15))];

/** The value under the cursor, or the newest one while the cursor is elsewhere: the legend always says something. */
const orLatest = (u: uPlot, v: number | null, series: number): number | null =>
  v ?? (u.data[series]?.[(u.data[series]?.length ?? 0) - 1] as number | null | undefined) ?? null;

export function ConntrackChart({ samples, label }: { samples: readonly CountSample[]; label: string }) {
  const { t, i18n } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(samples);
  latest.current = samples;
  const theme = useThemeKey();
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    observer.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => observer.disconnect();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt only for what changes its look; data goes in below
  useEffect(() => {
    const el = box.current;
    if (!el || width <= 0) return;
    const p = readPalette();
    const time = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' });
    const timeSeconds = new Intl.DateTimeFormat(i18n.language, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const count = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 0 });
    const axisFont = '12px system-ui, sans-serif';
    const yAxis = (scale: string, stroke: string, side: 1 | 3): uPlot.Axis => ({
      scale,
      side,
      stroke,
      font: axisFont,
      labelFont: axisFont,
      label: scale === 'flows' ? t('dashboard.flows') : t('dashboard.expectations'),
      labelSize: 18,
      size: 52,
      grid: { show: side === 3, stroke: p.grid, width: 1 },
      ticks: { stroke: p.grid, width: 1 },
      values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? count.format(v) : '')),
    });
    const opts: uPlot.Options = {
      width,
      height: HEIGHT,
      pxAlign: 0,
      cursor: { y: false, points: { size: 6 } },
      legend: { show: true, live: true },
      scales: {
        x: { time: true },
        flows: { range: fromZero },
        expectations: { range: fromZero },
      },
      series: [
        {
          label: t('dashboard.chartTime'),
          value: (u, v) => {
            const at = orLatest(u, v, 0);
            return at == null ? '–' : timeSeconds.format(at * 1000);
          },
        },
        {
          label: t('dashboard.flows'),
          scale: 'flows',
          stroke: p.flows,
          width: 2,
          points: { show: false },
          value: (u, v, series) => {
            const n = orLatest(u, v, series);
            return n == null ? '–' : count.format(n);
          },
        },
        {
          label: t('dashboard.expectations'),
          scale: 'expectations',
          stroke: p.expectations,
          width: 2,
          points: { show: false },
          value: (u, v, series) => {
            const n = orLatest(u, v, series);
            return n == null ? '–' : count.format(n);
          },
        },
      ],
      axes: [
        {
          stroke: p.muted,
          font: axisFont,
          // Room for "09:42:30" between ticks, also on a phone.
          space: 90,
          grid: { stroke: p.grid, width: 1 },
          ticks: { stroke: p.grid, width: 1 },
          // Ticks less than a minute apart (a young history) need the seconds to tell them apart.
          values: (_u, splits, _axis, _space, increment) =>
            splits.map((s) => (increment < 60 ? timeSeconds : time).format(s * 1000)),
        },
        yAxis('flows', p.flows, 3),
        yAxis('expectations', p.expectations, 1),
      ],
    };
    const u = new uPlot(opts, toData(latest.current), el);
    u.root.style.color = p.text;
    chart.current = u;
    return () => {
      u.destroy();
      chart.current = null;
    };
  }, [theme, i18n.language, width]);

  useEffect(() => {
    chart.current?.setData(toData(samples));
  }, [samples]);

  return (
    // data-points: how many samples are drawn (the e2e spec checks that a reload starts with the server's history).
    <figure className="ct-chart" aria-label={label} data-points={samples.length}>
      <div ref={box} className="ct-chart-canvas" />
    </figure>
  );
}

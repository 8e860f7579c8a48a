/**
 * A small inline SVG chart: a line for each series over the same time window.
 * No chart library: a polyline is all a wall screen needs, and it keeps the
 * bundle lean.
 */
export interface SparkSeries {
  name: string;
  className: string;
  values: number[];
}

export function Sparkline({
  series,
  width = 320,
  height = 72,
  label,
}: {
  series: SparkSeries[];
  width?: number;
  height?: number;
  label: string;
}) {
  const longest = Math.max(2, ...series.map((s) => s.values.length));
  const pad = 3;
  const x = (i: number) => pad + (i * (width - 2 * pad)) / (longest - 1);
  // Each series on its own scale: flows run in thousands, expectations in single digits,
  // and the shape of each is what a glance should catch. The exact figures are printed beside the chart.
  const scaleOf = (values: number[]) => {
    const max = Math.max(...values, 1);
    const min = Math.min(...values, max);
    const span = max - min;
    // A constant series is drawn across the middle rather than glued to the axis.
    return (v: number) => (max === min ? height / 2 : height - pad - ((v - min) / span) * (height - 2 * pad));
  };
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      <line x1={0} x2={width} y1={height - pad} y2={height - pad} className="spark-axis" />
      {series.map((s) => {
        const offset = longest - s.values.length;
        const y = scaleOf(s.values);
        const points = s.values.map((v, i) => `${x(i + offset).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
        return <polyline key={s.name} points={points} className={`spark-line ${s.className}`} fill="none" />;
      })}
    </svg>
  );
}

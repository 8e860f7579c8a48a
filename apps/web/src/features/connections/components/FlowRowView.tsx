/**
 * One row of the Connections table: its cached text, the forward it came
 * through, and the per-flow Kill confirmation. Tuned for scrolling (bench 7c):
 * a row element is reused for another flow, so the armed Kill state is the table's.
 */
import { memo, useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { formatTuple } from '../../../lib/format';
import type { Api } from '../../../lib/types';
import type { FlowFormatter } from './flow-format';

export interface DisplayRow {
  row: Api['FlowRow'];
  /** An FTP data flow drawn under its control flow. */
  child: boolean;
}

export interface RowLabels {
  dataFlow: string;
  unreplied: string;
  kill: string;
  killLabel: (tuple: string) => string;
  loadingMore: string;
  cancel: string;
  panel: string;
  panelKillRefused: string;
  forwardTitle: string;
  gatewayForwardTitle: string;
  expectationsLink: (n: number) => string;
  /** Query of a control flow's expectations link, without its id: the node shown (a pair's peer) or nothing. */
  expectationsOf: Record<string, string>;
  fmt: FlowFormatter;
  /** Column names, shown next to each value when a phone stacks the row. */
  col: {
    flow: string;
    tuples: string;
    via: string;
    packets: string;
    bytes: string;
    age: string;
    timeout: string;
  };
}

interface RowText {
  original: string;
  /** Both directions, one a line (one text node: the cell's `white-space: pre`). */
  tuples: string;
  packets: string;
  bytes: string;
}

/**
 * Formatted text per row object (rows are immutable; a live update is a new
 * object) and formatter (the language).
 */
const rowText = new WeakMap<Api['FlowRow'], { fmt: FlowFormatter; text: RowText }>();
function textOf(r: Api['FlowRow'], fmt: FlowFormatter): RowText {
  const cached = rowText.get(r);
  if (cached?.fmt === fmt) return cached.text;
  const original = formatTuple(r.original);
  const k = r.counters;
  const text: RowText = {
    original,
    tuples: `${original}\n${formatTuple(r.reply)}`,
    packets: k ? `${fmt.count(k.origPackets)}\n${fmt.count(k.replyPackets)}` : '—',
    bytes: k ? `${fmt.bytes(k.origBytes)}\n${fmt.bytes(k.replyBytes)}` : '—',
  };
  rowText.set(r, { fmt, text });
  return text;
}

function forwardLink(f: NonNullable<Api['FlowRow']['forward']>): string {
  return f.kind === 'gateway' ? '/gateway' : `/forwards?${new URLSearchParams({ q: f.name })}`;
}

/**
 * ConfirmButton's two clicks with the armed state held by the table (per
 * flow), so a row element reused for another flow while scrolling is not
 * left armed for it.
 */
function KillButton({
  armed,
  label,
  ariaLabel,
  cancelLabel,
  onArm,
  onConfirm,
}: {
  armed: boolean;
  label: string;
  ariaLabel: string;
  cancelLabel: string;
  onArm: (on: boolean) => void;
  onConfirm: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // The armed flow may move between row elements while scrolling: follow it without scrolling.
    if (armed) confirmRef.current?.focus({ preventScroll: true });
  }, [armed]);
  if (!armed) {
    return (
      <button
        type="button"
        className="btn btn-small btn-danger-outline"
        aria-label={ariaLabel}
        onClick={() => onArm(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm-inline">
      <button
        ref={confirmRef}
        type="button"
        className="btn btn-small btn-danger"
        onClick={() => {
          onArm(false);
          onConfirm();
        }}
      >
        {label}
      </button>
      <button type="button" className="btn btn-small" onClick={() => onArm(false)}>
        {cancelLabel}
      </button>
    </span>
  );
}

/** One flow's row; memoized, so a render of the table that leaves a row's flow as it was skips it. */
export const FlowRowView = memo(function FlowRowView({
  index,
  d,
  left,
  age,
  expectations,
  fresh,
  canEdit,
  armed,
  labels,
  onArm,
  onKill,
}: {
  index: number;
  d: DisplayRow;
  left: string;
  age: string;
  /** Expectations this (control) flow has waiting. */
  expectations: number;
  fresh: boolean;
  canEdit: boolean;
  armed: boolean;
  labels: RowLabels;
  onArm: (id: string | null) => void;
  onKill: (r: Api['FlowRow']) => void;
}) {
  const r = d.row;
  const text = textOf(r, labels.fmt);
  const fwd = r.forward;
  return (
    <tr
      aria-rowindex={index + 2}
      className={`${d.child ? 'vrow-child' : ''}${fresh ? ' vrow-fresh' : ''}${r.panel ? ' vrow-panel' : ''}`}
    >
      <td className="mono vcell-flow" data-label={labels.col.flow}>
        {d.child ? (
          <span className="child-mark" title={labels.dataFlow}>
            <span aria-hidden="true">└ </span>
            <span className="visually-hidden">{labels.dataFlow} </span>
          </span>
        ) : null}
        {r.protocol}
        {'\n'}
        <span className={`state state-${(r.state ?? '').toLowerCase()}`}>{r.state ?? '—'}</span>
        {r.unreplied ? (
          <span className="muted" title={labels.unreplied}>
            {' '}
            <span aria-hidden="true">⋯</span>
            <span className="visually-hidden">{labels.unreplied}</span>
          </span>
        ) : null}
      </td>
      <td className="mono vcell-tuples" data-label={labels.col.tuples}>
        {text.tuples}
      </td>
      <td className="vcell-via" data-label={labels.col.via}>
        {r.panel ? <span className="tag tag-warn">{labels.panel}</span> : null}
        {fwd ? (
          <Link
            to={forwardLink(fwd)}
            className="vcell-forward"
            title={fwd.kind === 'gateway' ? labels.gatewayForwardTitle : labels.forwardTitle}
          >
            {fwd.name}
          </Link>
        ) : null}
        {r.helper ? <span className="tag tag-info">{r.helper}</span> : null}
        {expectations > 0 ? (
          <Link
            to={`/expectations?${new URLSearchParams({ ...labels.expectationsOf, master: r.id })}`}
            className="vcell-expect"
          >
            {labels.expectationsLink(expectations)}
          </Link>
        ) : null}
      </td>
      <td className="mono num vcell-packets" data-label={labels.col.packets}>
        {text.packets}
      </td>
      <td className="mono num vcell-bytes" data-label={labels.col.bytes}>
        {text.bytes}
      </td>
      <td className="num vcell-age" data-label={labels.col.age}>
        {age}
      </td>
      <td className="num vcell-timeout" data-label={labels.col.timeout}>
        {left}
      </td>
      {canEdit ? (
        <td className="vcell-actions">
          {r.panel ? (
            <button
              type="button"
              className="btn btn-small"
              disabled
              title={labels.panelKillRefused}
              aria-label={`${labels.killLabel(text.original)}: ${labels.panelKillRefused}`}
            >
              {labels.kill}
            </button>
          ) : (
            <KillButton
              armed={armed}
              label={labels.kill}
              ariaLabel={labels.killLabel(text.original)}
              cancelLabel={labels.cancel}
              onArm={(on) => onArm(on ? r.id : null)}
              onConfirm={() => onKill(r)}
            />
          )}
        </td>
      ) : null}
    </tr>
  );
});

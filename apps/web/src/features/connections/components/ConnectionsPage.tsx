import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { TableHead } from '../../../components/DataTable';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { NodeSelect, PeerPolledNote } from '../../../components/NodeSelect';
import { PageHeader } from '../../../components/PageHeader';
import { ErrorState, Loading } from '../../../components/QueryState';
import { formatNumber } from '../../../lib/format';
import { PHONE_QUERY, useMediaQuery } from '../../../lib/media';
import { useCanEdit } from '../../../lib/session';
import type { Api, FlowQuery, FlowSortKey } from '../../../lib/types';
import { useNow } from '../../../lib/use-now';
import { useAccounting } from '../api/get-accounting';
import { type ExpectationCounts, useExpectationCounts } from '../api/get-expectation-counts';
import { receivedAt, useFlows } from '../api/get-flows';
import { useKillFlow } from '../api/kill-flow';
import { useLiveFlows } from '../api/live-flows';
import { type DisplayRow, FlowRowView, type RowLabels } from './FlowRowView';
import { flowFormatter } from './flow-format';

/** Two lines a flow: the original direction above, the reply below (styles.css, `.vtable tbody tr`). */
const ROW_HEIGHT = 44;
/** Rows the table can be scrolled past the loaded ones (placeholders that load the next pages). */
const SCROLL_AHEAD_ROWS = 10_000;
/** A phone stacks a flow in four lines (styles.css, `.vtable` under the phone width); fixed, like ROW_HEIGHT. */
const PHONE_ROW_HEIGHT = 112;
const SORT_KEYS: FlowSortKey[] = ['timeout', 'age', 'bytes', 'packets', 'protocol', 'src', 'dst', 'state'];
const STATES = ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE'];
/** Stands for the tuple in the translated kill label (see FlowTable). */
const TUPLE_MARK = '\u0000';
const IP_RE = /^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-fA-F:]+:[0-9a-fA-F:]*$/;

/**
 * One DisplayRow per flow row and place: a render that keeps a row keeps
 * its DisplayRow, and FlowRowView (memoized) skips it. Without this each
 * cache write of the live stream, five a second in a burst, re-rendered
 * every row in view.
 */
const asRow = new WeakMap<Api['FlowRow'], DisplayRow>();
const asChild = new WeakMap<Api['FlowRow'], DisplayRow>();
function display(row: Api['FlowRow'], child: boolean): DisplayRow {
  const cache = child ? asChild : asRow;
  let d = cache.get(row);
  if (!d) {
    d = { row, child };
    cache.set(row, d);
  }
  return d;
}

/** FTP data flows go right under their control flow when both are loaded. */
function groupByMaster(rows: Api['FlowRow'][]): DisplayRow[] {
  const ids = new Set(rows.map((r) => r.id));
  const children = new Map<string, Api['FlowRow'][]>();
  for (const r of rows) {
    if (r.masterId && ids.has(r.masterId) && r.masterId !== r.id) {
      const list = children.get(r.masterId) ?? [];
      list.push(r);
      children.set(r.masterId, list);
    }
  }
  const out: DisplayRow[] = [];
  for (const r of rows) {
    if (r.masterId && ids.has(r.masterId) && r.masterId !== r.id) continue;
    out.push(display(r, false));
    for (const c of children.get(r.id) ?? []) out.push(display(c, true));
  }
  return out;
}

const NO_COUNTS: ExpectationCounts = new Map();

/** Says that the kernel counts packets and bytes and stamps flow starts (the server turns both on), or that it does not. */
function AccountingNote() {
  const { t } = useTranslation();
  const acct = useAccounting();
  if (!acct.data) return null;
  const on = acct.data.counters === true && acct.data.timestamps === true;
  return (
    <p className={on ? 'table-note muted' : 'callout callout-warn'} role="status">
      {on ? t('connections.accountingOn') : t('connections.accountingOff')}
    </p>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

export function ConnectionsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [address, setAddress] = useState(params.get('address') ?? '');
  const [port, setPort] = useState(params.get('port') ?? '');
  const protocol = params.get('protocol') ?? '';
  const state = params.get('state') ?? '';
  const helper = params.get('helper') ?? '';
  // A pair's peer (its name) or this node (absent): see NodeSelect.
  const node = params.get('node') ?? '';
  const sort = (params.get('sort') as FlowSortKey | null) ?? 'timeout';
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const debAddress = useDebounced(address.trim(), 400);
  const debPort = useDebounced(port.trim(), 400);

  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  useEffect(() => {
    const next = new URLSearchParams(params);
    for (const [k, v] of [
      ['address', debAddress],
      ['port', debPort],
    ] as const) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (next.toString() !== params.toString()) setParams(next, { replace: true });
  }, [debAddress, debPort, params, setParams]);

  const addressValid = debAddress === '' || IP_RE.test(debAddress);
  const portNumber = /^\d{1,5}$/.test(debPort) && Number(debPort) <= 65535 ? Number(debPort) : undefined;
  const portValid = debPort === '' || portNumber !== undefined;

  const query = useMemo<FlowQuery>(
    () => ({
      node: node || undefined,
      sort,
      order,
      protocol: protocol || undefined,
      state: state || undefined,
      helper: helper || undefined,
      address: (addressValid && debAddress) || undefined,
      port: portNumber,
    }),
    [node, sort, order, protocol, state, helper, addressValid, debAddress, portNumber],
  );

  return (
    <section aria-labelledby="page-title" className="connections">
      <PageHeader title={t('connections.title')} />
      <form className="filters" aria-label={t('connections.filters')} onSubmit={(e) => e.preventDefault()}>
        <NodeSelect id="flt-node" value={node} onChange={(v) => setParam('node', v)} />
        <div className="field">
          <label htmlFor="flt-protocol">{t('connections.protocol')}</label>
          <select id="flt-protocol" value={protocol} onChange={(e) => setParam('protocol', e.target.value)}>
            <option value="">{t('common.any')}</option>
            <option value="tcp">tcp</option>
            <option value="udp">udp</option>
            <option value="icmp">icmp</option>
          </select>
        </div>
        <div className={`field${addressValid ? '' : ' field-invalid'}`}>
          <label htmlFor="flt-address">{t('connections.address')}</label>
          <input
            id="flt-address"
            className="mono"
            inputMode="decimal"
            value={address}
            placeholder="192.0.2.101"
            aria-invalid={addressValid ? undefined : true}
            onChange={(e) => setAddress(e.target.value)}
            spellCheck={false}
          />
        </div>
        <div className={`field field-narrow${portValid ? '' : ' field-invalid'}`}>
          <label htmlFor="flt-port">{t('connections.port')}</label>
          <input
            id="flt-port"
            className="mono"
            inputMode="numeric"
            value={port}
            placeholder="21"
            aria-invalid={portValid ? undefined : true}
            onChange={(e) => setPort(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="flt-state">{t('connections.state')}</label>
          <select id="flt-state" value={state} onChange={(e) => setParam('state', e.target.value)}>
            <option value="">{t('common.any')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="flt-helper">{t('connections.helper')}</label>
          <select id="flt-helper" value={helper} onChange={(e) => setParam('helper', e.target.value)}>
            <option value="">{t('connections.helperAny')}</option>
            <option value="ftp">{t('connections.helperFtp')}</option>
            <option value="none">{t('connections.helperNone')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="flt-sort">{t('connections.sort')}</label>
          <select id="flt-sort" value={sort} onChange={(e) => setParam('sort', e.target.value)}>
            {SORT_KEYS.map((k) => (
              <option key={k} value={k}>
                {t(`connections.sortKeys.${k as 'timeout'}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="flt-order">{t('connections.order')}</label>
          <select id="flt-order" value={order} onChange={(e) => setParam('order', e.target.value)}>
            <option value="asc">{t('connections.ascending')}</option>
            <option value="desc">{t('connections.descending')}</option>
          </select>
        </div>
      </form>
      <PeerPolledNote node={node} />
      <FlowTable query={query} />
    </section>
  );
}

function FlowTable({ query }: { query: FlowQuery }) {
  const { t, i18n } = useTranslation();
  // A kill acts on this node's table: the peer's rows are shown, not killed from here.
  const canEdit = useCanEdit() && !query.node;
  const flows = useFlows(query);
  const live = useLiveFlows(query, flows.data?.pages);
  const expectationCounts = useExpectationCounts(query.node);
  const kill = useKillFlow();
  const now = useNow(1000);

  const rows = useMemo(() => groupByMaster(flows.data?.pages.flatMap((p) => p.items) ?? []), [flows.data]);
  const total = flows.data?.pages.at(-1)?.total ?? rows.length;
  // Rows not loaded yet are placeholders; reaching them loads the next page.
  const count = flows.hasNextPage ? Math.max(total, rows.length + 1) : rows.length;

  const killRef = useRef(kill.mutate);
  killRef.current = kill.mutate;
  const onKill = useCallback((r: Api['FlowRow']) => killRef.current(r), []);
  // Which flow's kill button is armed: state of the flow, not of the reused row.
  const [armedId, setArmedId] = useState<string | null>(null);
  const canLoadMore = flows.hasNextPage && !flows.isFetchingNextPage;
  const fetchNextPage = flows.fetchNextPage;
  const onLoadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const language = i18n.language;
  const labels = useMemo<RowLabels>(() => {
    // i18next's t() costs ~20 us a call; a scroll step brings ~10 new flows: the
    // kill label is translated once per language, around a marker for the tuple.
    const [before = '', after = ''] = t('connections.killLabel', { tuple: TUPLE_MARK }).split(TUPLE_MARK);
    return {
      dataFlow: t('connections.dataFlow'),
      unreplied: t('connections.unreplied'),
      kill: t('connections.kill'),
      killLabel: (tuple: string) => before + tuple + after,
      loadingMore: t('connections.loadingMore'),
      cancel: t('common.cancel'),
      panel: t('connections.panel'),
      panelKillRefused: t('connections.panelKillRefused'),
      forwardTitle: t('connections.forwardTitle'),
      gatewayForwardTitle: t('connections.gatewayForwardTitle'),
      expectationsLink: (n: number) => t('connections.expectationsLink', { count: n }),
      expectationsOf: query.node ? { node: query.node } : ({} as Record<string, string>),
      fmt: flowFormatter(language === 'ja' ? 'ja-JP' : 'en-GB', {
        s: t('connections.units.s', { n: '{{n}}', interpolation: { skipOnVariables: true } }),
        min: t('connections.units.min', { n: '{{n}}', interpolation: { skipOnVariables: true } }),
        h: t('connections.units.h', { n: '{{n}}', interpolation: { skipOnVariables: true } }),
        d: t('connections.units.d', { n: '{{n}}', interpolation: { skipOnVariables: true } }),
      }),
      col: {
        flow: t('connections.flow'),
        tuples: t('connections.tuples'),
        via: t('connections.via'),
        packets: t('connections.packets'),
        bytes: t('connections.bytes'),
        age: t('connections.age'),
        timeout: t('connections.timeout'),
      },
    };
  }, [t, language, query.node]);

  if (flows.isPending) return <Loading />;
  if (flows.isError) return <ErrorState error={flows.error} onRetry={() => void flows.refetch()} />;

  // Header cells only: each row's cells are FlowRowView's, tuned for scrolling.
  const columns = [
    { key: 'flow', header: labels.col.flow },
    { key: 'tuples', header: labels.col.tuples },
    { key: 'via', header: labels.col.via },
    { key: 'packets', header: labels.col.packets, headerClassName: 'num' },
    { key: 'bytes', header: labels.col.bytes, headerClassName: 'num' },
    { key: 'age', header: labels.col.age, headerClassName: 'num' },
    { key: 'timeout', header: labels.col.timeout, headerClassName: 'num' },
    ...(canEdit ? [{ key: 'actions', header: t('common.actions') }] : []),
  ];
  const cols = columns.length;
  return (
    <>
      <p className="table-meta" aria-live="polite">
        <span>
          {flows.hasNextPage
            ? t('connections.loaded', { shown: formatNumber(rows.length), total: formatNumber(total) })
            : t('connections.loadedNoTotal', { shown: formatNumber(rows.length) })}
        </span>
        {/* The stream's changes are this node's: the peer's table is polled (PeerPolledNote says so). */}
        {query.node ? null : (
          <span className="muted">
            {t('connections.liveChanges', { added: formatNumber(live.added), removed: formatNumber(live.removed) })}
          </span>
        )}
      </p>
      {query.node ? null : <AccountingNote />}
      <ErrorCallout error={kill.error} />
      {rows.length === 0 ? (
        <p className="empty">{t('connections.empty')}</p>
      ) : (
        <VirtualFlowTable
          label={t('connections.tableLabel')}
          cols={cols}
          head={<TableHead columns={columns} rowIndex={1} />}
          rows={rows}
          count={count}
          now={now}
          fresh={live.fresh}
          expectationCounts={expectationCounts.data ?? NO_COUNTS}
          canEdit={canEdit}
          armedId={armedId}
          labels={labels}
          onArm={setArmedId}
          onKill={onKill}
          canLoadMore={canLoadMore}
          onLoadMore={onLoadMore}
        />
      )}
    </>
  );
}

/**
 * The scroll box and the rows in view. The virtualizer re-renders the
 * component that holds it on every scroll event (synchronously, inside the
 * frame), so it lives here and not in FlowTable: a scroll step renders the
 * rows, not the flow queries, the live stream's state and the translations.
 */
function VirtualFlowTable({
  label,
  cols,
  head,
  rows,
  count,
  now,
  fresh,
  expectationCounts,
  canEdit,
  armedId,
  labels,
  onArm,
  onKill,
  canLoadMore,
  onLoadMore,
}: {
  label: string;
  cols: number;
  /** The header row, built by the caller: the same element on every scroll step. */
  head: ReactNode;
  rows: DisplayRow[];
  count: number;
  now: number;
  fresh: ReadonlySet<string>;
  expectationCounts: ExpectationCounts;
  canEdit: boolean;
  armedId: string | null;
  labels: RowLabels;
  onArm: (id: string | null) => void;
  onKill: (r: Api['FlowRow']) => void;
  canLoadMore: boolean;
  onLoadMore: () => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rowHeight = useMediaQuery(PHONE_QUERY) ? PHONE_ROW_HEIGHT : ROW_HEIGHT;
  const virtualizer = useVirtualizer({
    // Not the whole table: the virtualizer lays out every one of `count`
    // rows whenever it changes (a loop over a million with a live stream
    // changing the total at each batch, ~50 ms a time), and a million 44 px
    // rows is taller than Chromium lets an element be anyway.
    count: Math.min(count, rows.length + SCROLL_AHEAD_ROWS),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 6,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure when the row height changes (phone <-> desktop)
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  const first = items[0]?.start ?? 0;
  const firstIndex = items[0]?.index ?? 0;

  useEffect(() => {
    if (lastIndex >= rows.length - 1 && canLoadMore) onLoadMore();
  }, [lastIndex, rows.length, canLoadMore, onLoadMore]);

  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the scrolling table must be reachable to scroll by keyboard
    <div ref={scrollRef} className={`vtable cols-${cols}`} tabIndex={0}>
      <table aria-label={label} aria-rowcount={count + 1}>
        {head}
        {/*
          The rows in view sit in one tbody moved by a transform, keyed by
          their position in the window: scrolling rewrites the text of the
          same <tr> elements instead of creating, moving or repositioning
          each of them.
        */}
        <tbody
          style={{
            transform: `translateY(${first}px)`,
            height: Math.max(0, virtualizer.getTotalSize() - first),
          }}
        >
          {items.map((vi) => {
            // The row's place in the window, not the flow: see above.
            const pos = vi.index - firstIndex;
            const d = rows[vi.index];
            if (!d) {
              return (
                <tr key={pos} aria-rowindex={vi.index + 2} className="vrow-placeholder">
                  <td>{labels.loadingMore}</td>
                </tr>
              );
            }
            const r = d.row;
            const since = (now - (receivedAt.get(r) ?? now)) / 1000;
            const left = r.timeout === null ? '—' : labels.fmt.duration(r.timeout - since);
            const age = r.age === null ? '—' : labels.fmt.duration(r.age + since);
            return (
              <FlowRowView
                key={pos}
                index={vi.index}
                d={d}
                left={left}
                age={age}
                expectations={expectationCounts.get(r.id) ?? 0}
                fresh={fresh.has(r.id)}
                canEdit={canEdit}
                armed={armedId === r.id}
                labels={labels}
                onArm={onArm}
                onKill={onKill}
              />
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

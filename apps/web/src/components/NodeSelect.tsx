import { useTranslation } from 'react-i18next';
import { usePairNodes } from '../lib/pair';

/**
 * Which node of a pair a table shows: this node (the empty value: no `node=`)
 * or the peer, whose table its panel answers for. Renders nothing on a
 * gateway that is not a pair node. It reads only the pair's node names, so
 * it re-renders when those change, never with the table beside it.
 */
export function NodeSelect({
  id,
  value,
  onChange,
  standalone = false,
}: {
  id: string;
  value: string;
  onChange: (node: string) => void;
  /** In a form of its own (a page without filters), not among a filter form's fields. */
  standalone?: boolean;
}) {
  const { t } = useTranslation();
  const pair = usePairNodes();
  if (!pair) return null;
  const field = (
    <div className="field">
      <label htmlFor={id}>{t('pairNodes.node')}</label>
      <select id={id} value={value === pair.peer ? pair.peer : ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('pairNodes.thisNode', { node: pair.self })}</option>
        <option value={pair.peer}>{pair.peer}</option>
      </select>
    </div>
  );
  if (!standalone) return field;
  return (
    <form className="filters" aria-label={t('pairNodes.nodeForm')} onSubmit={(e) => e.preventDefault()}>
      {field}
    </form>
  );
}

/** Next to the selector while the peer is shown: its table is polled, and this node's live stream does not carry it. */
export function PeerPolledNote({ node }: { node: string }) {
  const { t } = useTranslation();
  if (!node) return null;
  return (
    <p className="table-note callout callout-info" role="status">
      {t('pairNodes.polled', { node })}
    </p>
  );
}

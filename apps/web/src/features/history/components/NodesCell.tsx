import { useTranslation } from 'react-i18next';
import type { Api } from '../../../lib/types';

/**
 * Which nodes of a pair hold a revision: a chip each. One node only (applied
 * while the peer was unreachable, with the override) is marked, since the
 * two nodes then differ; the peer's copy of a revision says where it came from.
 */
export function NodesCell({ revision, self }: { revision: Api['RevisionSummary']; self: string | null }) {
  const { t } = useTranslation();
  const { nodes, origin } = revision;
  if (nodes === null) return <span className="muted">{t('pairNodes.notPair')}</span>;
  const alone = nodes.length === 1 ? nodes[0] : null;
  return (
    <span className="node-chips">
      <ul aria-label={t('pairNodes.holdsLabel', { nodes: nodes.join(', ') })}>
        {nodes.map((n) => (
          <li key={n} className={`tag ${n === self ? 'tag-info' : 'tag-neutral'} mono`}>
            {n}
          </li>
        ))}
      </ul>
      {alone !== undefined && alone !== null ? (
        <span className="tag tag-warn">
          {alone === self ? t('pairNodes.thisNodeOnly') : t('pairNodes.onlyOn', { node: alone })}
        </span>
      ) : null}
      {origin ? (
        <span className="muted small node-origin">
          {origin.revisionId === null
            ? t('pairNodes.fromNode', { node: origin.node })
            : t('pairNodes.from', { node: origin.node, id: origin.revisionId })}
        </span>
      ) : null}
    </span>
  );
}

import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import type { CommonForward } from '../lib/forward-form';
import type { Column } from './DataTable';

/**
 * The columns both forward tables (LAN forwards, gateway forwards) share:
 * the enabled switch, name (with id), protocol and allowed sources.
 * `prefix` is the i18n prefix of the field headers (`forwards.field`, `gateway.field`).
 */
export function forwardColumns<R extends CommonForward>(
  t: TFunction,
  {
    prefix,
    toggleLabel,
    canEdit,
    onToggle,
  }: {
    prefix: 'forwards.field' | 'gateway.field';
    toggleLabel: (row: R) => string;
    canEdit: boolean;
    onToggle: (row: R, enabled: boolean) => void;
  },
): {
  enabled: Column<R>;
  name: Column<R>;
  protocol: Column<R>;
  allowedSources: Column<R>;
  comment: Column<R>;
  actions: (cell: (row: R) => ReactNode) => Column<R>;
} {
  return {
    enabled: {
      key: 'enabled',
      header: t(`${prefix}.enabled`),
      cell: (f) => (
        <input
          type="checkbox"
          role="switch"
          aria-checked={f.enabled}
          aria-label={toggleLabel(f)}
          checked={f.enabled}
          disabled={!canEdit}
          onChange={(e) => onToggle(f, e.target.checked)}
        />
      ),
    },
    name: {
      key: 'name',
      header: t(`${prefix}.name`),
      rowHeader: true,
      cell: (f) => (
        <>
          {f.name}
          <div className="mono muted small">{f.id}</div>
        </>
      ),
    },
    protocol: {
      key: 'protocol',
      header: t(`${prefix}.protocol`),
      className: 'mono',
      cell: (f) => t(`forwards.protocol.${f.protocol}`),
    },
    allowedSources: {
      key: 'allowedSources',
      header: t(`${prefix}.allowedSources`),
      className: 'mono',
      cell: (f) =>
        f.allowedSources.length ? (
          f.allowedSources.join(', ')
        ) : (
          <span className="muted">{t('forwards.anySource')}</span>
        ),
    },
    comment: { key: 'comment', header: t(`${prefix}.comment`), cell: (f) => f.comment },
    actions: (cell) => ({ key: 'actions', header: t('common.actions'), className: 'actions', cell }),
  };
}

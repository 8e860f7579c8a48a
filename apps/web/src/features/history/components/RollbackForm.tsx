import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CommentField } from '../../../components/CommentField';
import { ConfirmWindowField } from '../../../components/ConfirmWindowField';
import type { Api, ApiBody } from '../../../lib/types';
import { RevisionCompare } from './RevisionPanels';

/**
 * Going back to a revision: what it will change, a comment (kept in the
 * history) and the confirm window after which it undoes itself unless kept.
 */
export function RollbackForm({
  revision,
  busy,
  onSubmit,
  onCancel,
}: {
  revision: Api['RevisionSummary'];
  busy: boolean;
  onSubmit: (body: ApiBody['RollbackBody']) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const ids = useId();
  const [comment, setComment] = useState('');
  const [seconds, setSeconds] = useState<number>(120);
  const [error, setError] = useState(false);
  const title = t('history.rollbackTitle', { id: revision.id });
  return (
    <form
      className="rollback-form"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        if (!comment.trim()) {
          setError(true);
          return;
        }
        onSubmit({ comment: comment.trim(), confirmWithinSeconds: seconds });
      }}
    >
      <h3 className="panel-title">{title}</h3>
      <RevisionCompare revision={revision} />
      <CommentField
        id={`${ids}-comment`}
        value={comment}
        required
        invalid={error}
        onChange={(c) => {
          setComment(c);
          setError(false);
        }}
      />
      <ConfirmWindowField id={`${ids}-window`} value={seconds} onChange={setSeconds} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('history.rollbackConfirm', { id: revision.id })}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

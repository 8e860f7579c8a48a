import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A destructive action in two clicks: the first arms it and says what will
 * happen, the second does it. No modal, so it works the same by keyboard,
 * touch and screen reader.
 */
export function ConfirmButton({
  label,
  ariaLabel,
  confirmLabel,
  question,
  onConfirm,
  disabled,
  busy,
  variant = 'danger',
}: {
  label: string;
  ariaLabel?: string;
  confirmLabel?: string;
  question?: string;
  onConfirm: () => void;
  disabled?: boolean;
  busy?: boolean;
  variant?: 'danger' | 'primary';
}) {
  const { t } = useTranslation();
  const [armed, setArmed] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (armed) confirmRef.current?.focus();
  }, [armed]);
  if (!armed) {
    return (
      <button
        type="button"
        className={`btn btn-small btn-${variant}-outline`}
        aria-label={ariaLabel}
        disabled={disabled || busy}
        onClick={() => setArmed(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm-inline">
      {question ? <span className="confirm-question">{question}</span> : null}
      <button
        ref={confirmRef}
        type="button"
        className={`btn btn-small btn-${variant}`}
        onClick={() => {
          setArmed(false);
          onConfirm();
        }}
      >
        {confirmLabel ?? t('common.confirm')}
      </button>
      <button type="button" className="btn btn-small" onClick={() => setArmed(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}

import { GatewayModel, PortForward } from '@gatehouse/rules/model';
import { type FormEvent, type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../../components/Field';
import { issueText } from '../../../lib/errors';
import { type FieldErrors, fieldOfPath, serverFieldErrors, zodFieldErrors } from '../../../lib/form-errors';
import type { Api } from '../../../lib/types';
import { useSaveForward } from '../api/save-forward';
import { idFromName, uniqueId } from './forward-id';

const FIELDS = [
  'id',
  'name',
  'enabled',
  'protocol',
  'publicPorts',
  'target',
  'targetPort',
  'allowedSources',
  'comment',
] as const;
type FieldName = (typeof FIELDS)[number];

interface FormState {
  id: string;
  name: string;
  enabled: boolean;
  protocol: 'tcp' | 'udp' | 'both';
  publicPorts: string;
  target: string;
  targetPort: string;
  allowedSources: string;
  comment: string;
}

function toState(f: Api['PortForward'] | null): FormState {
  return {
    id: f?.id ?? '',
    name: f?.name ?? '',
    enabled: f?.enabled ?? true,
    protocol: f?.protocol ?? 'tcp',
    publicPorts: f?.publicPorts ?? '',
    target: f?.target ?? '',
    targetPort: f?.targetPort === undefined ? '' : String(f.targetPort),
    allowedSources: (f?.allowedSources ?? []).join('\n'),
    comment: f?.comment ?? '',
  };
}

/** What the operator typed, as the model's input: numbers as numbers, lists as arrays. */
function toInput(s: FormState) {
  const port = s.targetPort.trim();
  return {
    id: s.id.trim(),
    name: s.name.trim(),
    enabled: s.enabled,
    protocol: s.protocol,
    publicPorts: s.publicPorts.trim(),
    target: s.target.trim(),
    ...(port === '' ? {} : { targetPort: /^\d+$/.test(port) ? Number(port) : Number.NaN }),
    allowedSources: s.allowedSources
      .split(/[\s,]+/)
      .map((x) => x.trim())
      .filter(Boolean),
    comment: s.comment.trim(),
  };
}

/**
 * Validation before sending: the forward alone with the shared PortForward
 * schema, then with the other forwards through GatewayModel so an overlap is
 * reported on publicPorts here, exactly as the server would report it.
 */
function validate(
  input: unknown,
  others: Api['PortForward'][],
): { ok: true; value: Api['PortForward'] } | { ok: false; errors: FieldErrors<FieldName> } {
  const single = PortForward.safeParse(input);
  if (!single.success) return { ok: false, errors: zodFieldErrors(single.error, FIELDS) };
  const model = GatewayModel.safeParse({
    // Interfaces do not matter for forward checks; any valid pair will do.
    interfaces: { wan: 'wan0', lan: ['lan0'] },
    forwards: [...others, single.data],
  });
  if (!model.success) {
    const index = others.length;
    const errors: FieldErrors<FieldName> = {};
    for (const issue of model.error.issues) {
      if (issue.path[0] !== 'forwards' || issue.path[1] !== index) continue;
      const field = fieldOfPath(issue.path.slice(2), FIELDS) ?? 'form';
      errors[field] ??= issueText(issue);
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
  }
  return { ok: true, value: single.data };
}

export function ForwardForm({
  initial,
  copyOf = null,
  others,
  onDone,
}: {
  initial: Api['PortForward'] | null;
  /** A new forward prefilled from this one (clone): a new unique id, "copy of" its name. */
  copyOf?: Api['PortForward'] | null;
  others: Api['PortForward'][];
  onDone: (saved: boolean) => void;
}) {
  const { t } = useTranslation();
  const taken = useMemo(() => new Set(others.map((f) => f.id)), [others]);
  const [state, setState] = useState<FormState>(() =>
    copyOf
      ? {
          ...toState(copyOf),
          id: uniqueId(`${copyOf.id.slice(0, 35)}-copy`, taken),
          name: t('forwards.copyOf', { name: copyOf.name }),
        }
      : toState(initial),
  );
  const [errors, setErrors] = useState<FieldErrors<FieldName>>({});
  /** Whether the errors shown came from the server (the request was sent) or from the schema (it was not). */
  const [fromServer, setFromServer] = useState(false);
  const [idTouched, setIdTouched] = useState(initial !== null || copyOf !== null);
  const save = useSaveForward();
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setState((s) => {
      const next = { ...s, [key]: value };
      if (key === 'name' && !idTouched) next.id = idFromName(String(value), taken);
      return next;
    });
    if (errors[key as FieldName]) setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    const result = validate(toInput(state), others);
    if (!result.ok) {
      setFromServer(false);
      setErrors(result.errors);
      focusFirstError(result.errors);
      return;
    }
    setErrors({});
    save.mutate(
      { forward: result.value, previousId: initial?.id ?? null },
      {
        onSuccess: () => onDone(true),
        onError: (err) => {
          const e = serverFieldErrors(err, FIELDS, 'publicPorts');
          setFromServer(true);
          setErrors(e);
          focusFirstError(e);
        },
      },
    );
  };

  const focusFirstError = (e: FieldErrors<FieldName>) => {
    const first = FIELDS.find((f) => e[f]);
    if (first) requestAnimationFrame(() => document.querySelector<HTMLElement>(`[name="${first}"]`)?.focus());
  };

  const count = Object.values(errors).filter(Boolean).length;
  const title = initial
    ? t('forwards.editTitle', { name: initial.name })
    : copyOf
      ? t('forwards.cloneTitle', { name: copyOf.name })
      : t('forwards.newTitle');

  /** Escape closes the form without saving, wherever the focus is in it. */
  const onKeyDown = (ev: KeyboardEvent<HTMLFormElement>) => {
    if (ev.key !== 'Escape' || save.isPending) return;
    ev.preventDefault();
    onDone(false);
  };

  return (
    <form
      className="panel form-grid"
      onSubmit={onSubmit}
      onKeyDown={onKeyDown}
      noValidate
      aria-labelledby="forward-form-title"
    >
      <h2 id="forward-form-title" ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      {count > 0 ? (
        <div className="callout callout-error form-wide" role="alert">
          {errors.form ?? (fromServer ? t('errors.serverFields', { count }) : t('errors.fieldsToFix', { count }))}
        </div>
      ) : null}
      <Field label={t('forwards.field.name')} error={errors.name}>
        {(p) => (
          <input
            {...p}
            name="name"
            value={state.name}
            onChange={(e) => set('name', e.target.value)}
            autoComplete="off"
          />
        )}
      </Field>
      <Field label={t('forwards.field.id')} help={t('forwards.field.idHelp')} error={errors.id}>
        {(p) => (
          <input
            {...p}
            name="id"
            className="mono"
            value={state.id}
            readOnly={initial !== null}
            onChange={(e) => {
              setIdTouched(true);
              set('id', e.target.value);
            }}
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      <Field label={t('forwards.field.protocol')} error={errors.protocol}>
        {(p) => (
          <select
            {...p}
            name="protocol"
            value={state.protocol}
            onChange={(e) => set('protocol', e.target.value as FormState['protocol'])}
          >
            <option value="tcp">{t('forwards.protocol.tcp')}</option>
            <option value="udp">{t('forwards.protocol.udp')}</option>
            <option value="both">{t('forwards.protocol.both')}</option>
          </select>
        )}
      </Field>
      <Field
        label={t('forwards.field.publicPorts')}
        help={t('forwards.field.publicPortsHelp')}
        error={errors.publicPorts}
      >
        {(p) => (
          <input
            {...p}
            name="publicPorts"
            className="mono"
            inputMode="numeric"
            value={state.publicPorts}
            onChange={(e) => set('publicPorts', e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      <Field label={t('forwards.field.target')} help={t('forwards.field.targetHelp')} error={errors.target}>
        {(p) => (
          <input
            {...p}
            name="target"
            className="mono"
            inputMode="decimal"
            value={state.target}
            onChange={(e) => set('target', e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      <Field label={t('forwards.field.targetPort')} help={t('forwards.field.targetPortHelp')} error={errors.targetPort}>
        {(p) => (
          <input
            {...p}
            name="targetPort"
            className="mono"
            inputMode="numeric"
            value={state.targetPort}
            onChange={(e) => set('targetPort', e.target.value)}
            autoComplete="off"
          />
        )}
      </Field>
      <Field
        label={t('forwards.field.allowedSources')}
        help={t('forwards.field.allowedSourcesHelp')}
        error={errors.allowedSources}
        className="form-wide"
      >
        {(p) => (
          <textarea
            {...p}
            name="allowedSources"
            className="mono"
            rows={3}
            value={state.allowedSources}
            onChange={(e) => set('allowedSources', e.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
      <Field label={t('forwards.field.comment')} error={errors.comment} className="form-wide">
        {(p) => <input {...p} name="comment" value={state.comment} onChange={(e) => set('comment', e.target.value)} />}
      </Field>
      <div className="field field-check">
        <input
          id="forward-enabled"
          name="enabled"
          type="checkbox"
          role="switch"
          aria-checked={state.enabled}
          checked={state.enabled}
          onChange={(e) => set('enabled', e.target.checked)}
        />
        <label htmlFor="forward-enabled">{t('forwards.field.enabled')}</label>
      </div>
      <div className="form-actions form-wide">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={() => onDone(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

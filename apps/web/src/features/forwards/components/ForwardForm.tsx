import { GatewayModel, PortForward } from '@gatehouse/rules/model';
import { type FormEvent, type KeyboardEvent, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../../components/Field';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import {
  AllowedSourcesField,
  EnabledAndActions,
  FtpsReflectionFields,
  ProtocolField,
} from '../../../components/ForwardFields';
import { issueText } from '../../../lib/errors';
import { type FieldErrors, fieldOfPath, zodFieldErrors } from '../../../lib/form-errors';
import {
  type CommonForwardState,
  commonInput,
  commonState,
  type FtpsReflectionState,
  ftpsReflectionInput,
  ftpsReflectionState,
} from '../../../lib/forward-form';
import type { Api } from '../../../lib/types';
import { useNamedForm } from '../../../lib/use-form-errors';
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
  'ftps',
  'reflection',
] as const;
type FieldName = (typeof FIELDS)[number];

interface FormState extends CommonForwardState, FtpsReflectionState {
  publicPorts: string;
  target: string;
  targetPort: string;
}

function toState(f: Api['PortForward'] | null): FormState {
  return {
    ...commonState(f),
    ...ftpsReflectionState(f),
    publicPorts: f?.publicPorts ?? '',
    target: f?.target ?? '',
    targetPort: f?.targetPort === undefined ? '' : String(f.targetPort),
  };
}

/** What the operator typed, as the model's input: numbers as numbers, lists as arrays. */
function toInput(s: FormState) {
  const port = s.targetPort.trim();
  return {
    ...commonInput(s),
    ...ftpsReflectionInput(s),
    publicPorts: s.publicPorts.trim(),
    target: s.target.trim(),
    ...(port === '' ? {} : { targetPort: /^\d+$/.test(port) ? Number(port) : Number.NaN }),
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
  const { state, set, errors, fromServer, touchId, headingRef, submit, serverError } = useNamedForm({
    init: (): FormState =>
      copyOf
        ? {
            ...toState(copyOf),
            id: uniqueId(`${copyOf.id.slice(0, 35)}-copy`, taken),
            name: t('forwards.copyOf', { name: copyOf.name }),
          }
        : toState(initial),
    fields: FIELDS,
    idTouched: initial !== null || copyOf !== null,
    idOf: (name) => idFromName(name, taken),
  });
  const save = useSaveForward();

  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    submit(validate(toInput(state), others), (forward) =>
      save.mutate(
        { forward, previousId: initial?.id ?? null },
        { onSuccess: () => onDone(true), onError: serverError('publicPorts') },
      ),
    );
  };

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
      <FormErrorSummary errors={errors} fromServer={fromServer} />
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
              touchId();
              set('id', e.target.value);
            }}
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      <ProtocolField
        label={t('forwards.field.protocol')}
        error={errors.protocol}
        value={state.protocol}
        onChange={(v) => set('protocol', v)}
      />
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
      <AllowedSourcesField
        label={t('forwards.field.allowedSources')}
        error={errors.allowedSources}
        rows={3}
        value={state.allowedSources}
        onChange={(v) => set('allowedSources', v)}
      />
      <FtpsReflectionFields value={state} errors={errors} onChange={([key, value]) => set(key, value)} />
      <Field label={t('forwards.field.comment')} error={errors.comment} className="form-wide">
        {(p) => <input {...p} name="comment" value={state.comment} onChange={(e) => set('comment', e.target.value)} />}
      </Field>
      <EnabledAndActions
        id="forward-enabled"
        label={t('forwards.field.enabled')}
        enabled={state.enabled}
        onEnabled={(v) => set('enabled', v)}
        saving={save.isPending}
        onCancel={() => onDone(false)}
      />
    </form>
  );
}

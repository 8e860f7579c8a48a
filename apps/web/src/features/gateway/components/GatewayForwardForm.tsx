import { GatewayForward, GatewayModel } from '@gatehouse/rules/model';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../../components/Field';
import { FormErrorSummary } from '../../../components/FormErrorSummary';
import { AllowedSourcesField, EnabledAndActions, ProtocolField } from '../../../components/ForwardFields';
import { issueText } from '../../../lib/errors';
import { type FieldErrors, fieldOfPath, zodFieldErrors } from '../../../lib/form-errors';
import { type CommonForwardState, commonInput, commonState } from '../../../lib/forward-form';
import type { Api } from '../../../lib/types';
import { useNamedForm } from '../../../lib/use-form-errors';
import { useSaveGatewayForward } from '../api/save-gateway-forward';

const FIELDS = ['id', 'name', 'enabled', 'protocol', 'publicPort', 'localPort', 'allowedSources', 'comment'] as const;
type FieldName = (typeof FIELDS)[number];

interface FormState extends CommonForwardState {
  publicPort: string;
  localPort: string;
}

function toState(f: Api['GatewayForward'] | null): FormState {
  return {
    ...commonState(f),
    publicPort: f ? String(f.publicPort) : '',
    localPort: f ? String(f.localPort) : '',
  };
}

/** A typed port as a number; anything else as NaN, which the schema reports as not a port. */
const portOf = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);

function toInput(s: FormState) {
  return { ...commonInput(s), publicPort: portOf(s.publicPort), localPort: portOf(s.localPort) };
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

/**
 * The gateway forward alone with the shared GatewayForward schema, then with
 * the others through GatewayModel, so a public port used twice is reported on
 * publicPort here exactly as the server would report it.
 */
function validate(
  input: unknown,
  others: Api['GatewayForward'][],
): { ok: true; value: Api['GatewayForward'] } | { ok: false; errors: FieldErrors<FieldName> } {
  const single = GatewayForward.safeParse(input);
  if (!single.success) return { ok: false, errors: zodFieldErrors(single.error, FIELDS) };
  const model = GatewayModel.safeParse({
    interfaces: { wan: 'wan0', lan: ['lan0'] },
    gatewayForwards: [...others, single.data],
  });
  if (!model.success) {
    const errors: FieldErrors<FieldName> = {};
    for (const issue of model.error.issues) {
      if (issue.path[0] !== 'gatewayForwards' || issue.path[1] !== others.length) continue;
      errors[fieldOfPath(issue.path.slice(2), FIELDS) ?? 'form'] ??= issueText(issue);
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
  }
  return { ok: true, value: single.data };
}

export function GatewayForwardForm({
  initial,
  others,
  onDone,
}: {
  initial: Api['GatewayForward'] | null;
  others: Api['GatewayForward'][];
  onDone: (saved: boolean) => void;
}) {
  const { t } = useTranslation();
  const { state, set, errors, fromServer, touchId, headingRef, submit, serverError } = useNamedForm({
    init: () => toState(initial),
    fields: FIELDS,
    scope: '#gwf ',
    idTouched: initial !== null,
    idOf: slug,
  });
  const save = useSaveGatewayForward();

  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    submit(validate(toInput(state), others), (forward) =>
      save.mutate(
        { forward, previousId: initial?.id ?? null },
        { onSuccess: () => onDone(true), onError: serverError('publicPort') },
      ),
    );
  };

  const text = (name: 'id' | 'name' | 'comment', mono = false) => (
    <Field
      label={t(`gateway.field.${name}`)}
      error={errors[name]}
      {...(name === 'id' ? { help: t('gateway.field.idHelp') } : {})}
      {...(name === 'comment' ? { className: 'form-wide' } : {})}
    >
      {(p) => (
        <input
          {...p}
          name={name}
          className={mono ? 'mono' : undefined}
          value={state[name]}
          readOnly={name === 'id' && initial !== null}
          onChange={(e) => {
            if (name === 'id') touchId();
            set(name, e.target.value);
          }}
          autoComplete="off"
          spellCheck={false}
        />
      )}
    </Field>
  );
  const port = (name: 'publicPort' | 'localPort') => (
    <Field label={t(`gateway.field.${name}`)} help={t(`gateway.field.${name}Help`)} error={errors[name]}>
      {(p) => (
        <input
          {...p}
          name={name}
          className="mono"
          inputMode="numeric"
          value={state[name]}
          onChange={(e) => set(name, e.target.value)}
          autoComplete="off"
        />
      )}
    </Field>
  );

  return (
    <form id="gwf" className="panel form-grid" onSubmit={onSubmit} noValidate aria-labelledby="gwf-title">
      <h3 id="gwf-title" ref={headingRef} tabIndex={-1}>
        {initial ? t('gateway.forwards.editTitle', { name: initial.name }) : t('gateway.forwards.newTitle')}
      </h3>
      <FormErrorSummary errors={errors} fromServer={fromServer} />
      {text('name')}
      {text('id', true)}
      <ProtocolField
        label={t('gateway.field.protocol')}
        error={errors.protocol}
        value={state.protocol}
        onChange={(v) => set('protocol', v)}
      />
      {port('publicPort')}
      {port('localPort')}
      <AllowedSourcesField
        label={t('gateway.field.allowedSources')}
        error={errors.allowedSources}
        rows={2}
        value={state.allowedSources}
        onChange={(v) => set('allowedSources', v)}
      />
      {text('comment')}
      <EnabledAndActions
        id="gwf-enabled"
        label={t('gateway.field.enabled')}
        enabled={state.enabled}
        onEnabled={(v) => set('enabled', v)}
        saving={save.isPending}
        onCancel={() => onDone(false)}
      />
    </form>
  );
}

import { GatewayForward, GatewayModel } from '@gatehouse/rules/model';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../../components/Field';
import { issueText } from '../../../lib/errors';
import { type FieldErrors, fieldOfPath, serverFieldErrors, zodFieldErrors } from '../../../lib/form-errors';
import type { Api } from '../../../lib/types';
import { useSaveGatewayForward } from '../api/save-gateway-forward';

const FIELDS = ['id', 'name', 'enabled', 'protocol', 'publicPort', 'localPort', 'allowedSources', 'comment'] as const;
type FieldName = (typeof FIELDS)[number];

interface FormState {
  id: string;
  name: string;
  enabled: boolean;
  protocol: 'tcp' | 'udp' | 'both';
  publicPort: string;
  localPort: string;
  allowedSources: string;
  comment: string;
}

function toState(f: Api['GatewayForward'] | null): FormState {
  return {
    id: f?.id ?? '',
    name: f?.name ?? '',
    enabled: f?.enabled ?? true,
    protocol: f?.protocol ?? 'tcp',
    publicPort: f ? String(f.publicPort) : '',
    localPort: f ? String(f.localPort) : '',
    allowedSources: (f?.allowedSources ?? []).join('\n'),
    comment: f?.comment ?? '',
  };
}

/** A typed port as a number; anything else as NaN, which the schema reports as not a port. */
const portOf = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);

function toInput(s: FormState) {
  return {
    id: s.id.trim(),
    name: s.name.trim(),
    enabled: s.enabled,
    protocol: s.protocol,
    publicPort: portOf(s.publicPort),
    localPort: portOf(s.localPort),
    allowedSources: s.allowedSources
      .split(/[\s,]+/)
      .map((x) => x.trim())
      .filter(Boolean),
    comment: s.comment.trim(),
  };
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
  const [state, setState] = useState<FormState>(() => toState(initial));
  const [errors, setErrors] = useState<FieldErrors<FieldName>>({});
  const [fromServer, setFromServer] = useState(false);
  const [idTouched, setIdTouched] = useState(initial !== null);
  const save = useSaveGatewayForward();
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setState((s) => {
      const next = { ...s, [key]: value };
      if (key === 'name' && !idTouched) next.id = slug(String(value));
      return next;
    });
    if (errors[key as FieldName]) setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const focusFirstError = (e: FieldErrors<FieldName>) => {
    const first = FIELDS.find((f) => e[f]);
    if (first) requestAnimationFrame(() => document.querySelector<HTMLElement>(`#gwf [name="${first}"]`)?.focus());
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
          const e = serverFieldErrors(err, FIELDS, 'publicPort');
          setFromServer(true);
          setErrors(e);
          focusFirstError(e);
        },
      },
    );
  };

  const count = Object.values(errors).filter(Boolean).length;
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
            if (name === 'id') setIdTouched(true);
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
      {count > 0 ? (
        <div className="callout callout-error form-wide" role="alert">
          {errors.form ?? (fromServer ? t('errors.serverFields', { count }) : t('errors.fieldsToFix', { count }))}
        </div>
      ) : null}
      {text('name')}
      {text('id', true)}
      <Field label={t('gateway.field.protocol')} error={errors.protocol}>
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
      {port('publicPort')}
      {port('localPort')}
      <Field
        label={t('gateway.field.allowedSources')}
        help={t('forwards.field.allowedSourcesHelp')}
        error={errors.allowedSources}
        className="form-wide"
      >
        {(p) => (
          <textarea
            {...p}
            name="allowedSources"
            className="mono"
            rows={2}
            value={state.allowedSources}
            onChange={(e) => set('allowedSources', e.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
      {text('comment')}
      <div className="field field-check">
        <input
          id="gwf-enabled"
          name="enabled"
          type="checkbox"
          role="switch"
          aria-checked={state.enabled}
          checked={state.enabled}
          onChange={(e) => set('enabled', e.target.checked)}
        />
        <label htmlFor="gwf-enabled">{t('gateway.field.enabled')}</label>
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

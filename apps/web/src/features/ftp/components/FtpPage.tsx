import { FtpHelperPolicy, GatewayModel } from '@gatehouse/rules/model';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBlocker } from 'react-router';
import { moduleStateKey, moduleTone } from '../../../components/ModuleState';
import { PageHeader } from '../../../components/PageHeader';
import { ErrorState, Loading } from '../../../components/QueryState';
import { issueText } from '../../../lib/errors';
import { type FieldErrors, fieldOfPath, serverFieldErrors, zodFieldErrors } from '../../../lib/form-errors';
import { useCanEdit } from '../../../lib/session';
import { useStatus } from '../../../lib/status';
import type { Api } from '../../../lib/types';
import { useForwardTargets } from '../api/get-forward-targets';
import { useFtpPolicy } from '../api/get-ftp';
import { useUpdateFtpPolicy } from '../api/update-ftp';

const FIELDS = ['enabled', 'controlPorts', 'servers', 'passiveOnly'] as const;
type FieldName = (typeof FIELDS)[number];

/** Implicit FTPS: the whole control connection is TLS from the first byte. */
const IMPLICIT_FTPS_PORT = 990;

/** Whether a port spec such as "1-2221,2223-65535" includes the port. */
function specContains(spec: string, port: number): boolean {
  return spec.split(',').some((part) => {
    const [a, b] = part.split('-').map((x) => Number(x.trim()));
    return a !== undefined && port >= a && port <= (b ?? a);
  });
}

/** What is wrong with adding `value` to the list, as typed: the model's own message, or null. */
function portProblem(value: string, ports: number[]): string | null {
  const v = value.trim();
  if (!v) return null;
  const r = FtpHelperPolicy.shape.controlPorts.safeParse([...ports, Number(v)]);
  return r.success ? null : r.error.issues[0] ? issueText(r.error.issues[0]) : null;
}
function serverProblem(value: string, servers: string[]): string | null {
  const v = value.trim();
  if (!v) return null;
  const r = FtpHelperPolicy.shape.servers.safeParse([...servers, v]);
  return r.success ? null : r.error.issues[0] ? issueText(r.error.issues[0]) : null;
}

/**
 * Unsaved edits stop the operator from leaving: a link inside the app asks
 * first (the router's blocker), closing or reloading the tab gets the
 * browser's own question (beforeunload).
 */
function UnsavedGuard({ dirty }: { dirty: boolean }) {
  const { t } = useTranslation();
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older browsers ask only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  if (blocker.state !== 'blocked') return null;
  return (
    <div className="callout callout-warn" role="alertdialog" aria-labelledby="ftp-unsaved" aria-describedby="ftp-leave">
      <p id="ftp-unsaved">
        <strong>{t('ftp.unsaved')}</strong>
      </p>
      <p id="ftp-leave">{t('ftp.leaveQuestion')}</p>
      <div className="form-actions">
        <button type="button" className="btn btn-danger" onClick={() => blocker.proceed()}>
          {t('ftp.leave')}
        </button>
        {/* biome-ignore lint/a11y/noAutofocus: the question is modal in effect: focus goes to the safe answer */}
        <button type="button" className="btn" autoFocus onClick={() => blocker.reset()}>
          {t('ftp.stay')}
        </button>
      </div>
    </div>
  );
}

function validate(policy: Api['FtpHelperPolicy'], forwards: Api['PortForward'][] | undefined): FieldErrors<FieldName> {
  const own = FtpHelperPolicy.safeParse(policy);
  if (!own.success) return zodFieldErrors(own.error, FIELDS);
  if (!forwards) return {};
  // Cross-checks against the forwards (control port exposed, server forwarded, passive-only needs the helper).
  const model = GatewayModel.safeParse({ interfaces: { wan: 'wan0', lan: ['lan0'] }, forwards, ftp: own.data });
  const errors: FieldErrors<FieldName> = {};
  if (!model.success) {
    for (const issue of model.error.issues) {
      if (issue.path[0] !== 'ftp') continue;
      errors[fieldOfPath(issue.path.slice(1), FIELDS) ?? 'form'] ??= issueText(issue);
    }
  }
  return errors;
}

export function FtpPage() {
  const { t } = useTranslation();
  const policy = useFtpPolicy();
  // Kept here: the form below is re-mounted with the saved policy after a save,
  // and the "saved" notice must survive that.
  const [saved, setSaved] = useState(false);
  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('ftp.title')} />
      <p className="lede">{t('ftp.intro')}</p>
      {policy.isPending ? (
        <Loading />
      ) : policy.isError ? (
        <ErrorState error={policy.error} onRetry={() => void policy.refetch()} />
      ) : (
        <FtpForm key={JSON.stringify(policy.data)} initial={policy.data} saved={saved} onSavedChange={setSaved} />
      )}
    </section>
  );
}

function FtpForm({
  initial,
  saved,
  onSavedChange: setSaved,
}: {
  initial: Api['FtpHelperPolicy'];
  saved: boolean;
  onSavedChange: (saved: boolean) => void;
}) {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const status = useStatus();
  const forwards = useForwardTargets();
  const update = useUpdateFtpPolicy();
  const [policy, setPolicy] = useState<Api['FtpHelperPolicy']>(initial);
  const [errors, setErrors] = useState<FieldErrors<FieldName>>({});
  const [newPort, setNewPort] = useState('');
  const [newServer, setNewServer] = useState('');
  const ids = useId();
  const portError = portProblem(newPort, policy.controlPorts);
  const serverError = serverProblem(newServer, policy.servers);
  // As typed, before any save: what the model would say about the value in the box.
  const portShown = portError ?? errors.controlPorts;
  const serverShown = serverError ?? errors.servers;
  const dirty =
    !update.isPending && (JSON.stringify(policy) !== JSON.stringify(initial) || !!newPort.trim() || !!newServer.trim());

  const change = (next: Partial<Api['FtpHelperPolicy']>) => {
    setPolicy((p) => ({ ...p, ...next }));
    setSaved(false);
    setErrors({});
  };

  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    const e = validate(policy, forwards.data);
    setErrors(e);
    if (Object.values(e).some(Boolean)) return;
    update.mutate(policy, {
      onSuccess: () => setSaved(true),
      onError: (err) => setErrors(serverFieldErrors(err, FIELDS)),
    });
  };

  const addPort = () => {
    if (!newPort.trim() || portError) return;
    change({ controlPorts: [...policy.controlPorts, Number(newPort.trim())] });
    setNewPort('');
  };
  const addServer = () => {
    if (!newServer.trim() || serverError) return;
    change({ servers: [...policy.servers, newServer.trim()] });
    setNewServer('');
  };

  const natState = status.data?.ftp.natFtp?.state;
  const exposes990 =
    policy.controlPorts.includes(IMPLICIT_FTPS_PORT) ||
    (forwards.data ?? []).some(
      (f) => f.enabled && f.protocol !== 'udp' && specContains(f.publicPorts, IMPLICIT_FTPS_PORT),
    );
  const count = Object.values(errors).filter(Boolean).length;
  const desc = (name: string, hasError: boolean) => `${hasError ? `${ids}-${name}-error ` : ''}${ids}-${name}-help`;

  return (
    <form className="ftp-form" onSubmit={onSubmit} noValidate>
      <UnsavedGuard dirty={dirty} />
      {!canEdit ? <p className="callout callout-info">{t('common.readOnly')}</p> : null}
      {count > 0 ? (
        <div className="callout callout-error" role="alert">
          {errors.form ?? t('errors.fieldsToFix', { count })}
        </div>
      ) : null}

      <fieldset className="setting" disabled={!canEdit}>
        <legend className="visually-hidden">{t('ftp.helper')}</legend>
        <div className="setting-head">
          <input
            id={`${ids}-enabled`}
            type="checkbox"
            role="switch"
            aria-checked={policy.enabled}
            checked={policy.enabled}
            aria-describedby={desc('enabled', !!errors.enabled)}
            onChange={(e) => change({ enabled: e.target.checked })}
          />
          <label htmlFor={`${ids}-enabled`}>{t('ftp.helper')}</label>
        </div>
        <p className="field-help" id={`${ids}-enabled-help`}>
          {t('ftp.helperHelp')}
        </p>
        {errors.enabled ? (
          <p className="field-error" id={`${ids}-enabled-error`}>
            {errors.enabled}
          </p>
        ) : null}
        <p className={`status-line status-${moduleTone(natState)}`}>
          <span className="status-dot" aria-hidden="true" />
          <span>{t('ftp.natModule', { state: t(`dashboard.moduleState.${moduleStateKey(natState)}`) })}</span>
        </p>
      </fieldset>

      <fieldset className="setting" disabled={!canEdit}>
        <legend>{t('ftp.controlPorts')}</legend>
        <p className="field-help" id={`${ids}-controlPorts-help`}>
          {t('ftp.controlPortsHelp')}
        </p>
        <ul className="chips" aria-label={t('ftp.controlPorts')}>
          {policy.controlPorts.map((port, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a duplicate port is shown (and flagged) until removed
            <li key={`${port}-${i}`} className="chip mono">
              {Number.isNaN(port) ? '?' : port}
              <button
                type="button"
                className="chip-remove"
                aria-label={t('ftp.removePort', { port })}
                onClick={() => change({ controlPorts: policy.controlPorts.filter((_, j) => j !== i) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <div className="inline-add">
          <label htmlFor={`${ids}-newPort`} className="visually-hidden">
            {t('ftp.newPort')}
          </label>
          <input
            id={`${ids}-newPort`}
            className="mono"
            inputMode="numeric"
            placeholder="2121"
            value={newPort}
            aria-invalid={portShown ? true : undefined}
            aria-describedby={desc('controlPorts', !!portShown)}
            onChange={(e) => setNewPort(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                addPort();
              }
            }}
          />
          <button type="button" className="btn btn-small" onClick={addPort}>
            {t('ftp.addPort')}
          </button>
        </div>
        {portShown ? (
          <p className="field-error" id={`${ids}-controlPorts-error`}>
            {portShown}
          </p>
        ) : null}
      </fieldset>

      <fieldset className="setting" disabled={!canEdit}>
        <legend>{t('ftp.servers')}</legend>
        <p className="field-help" id={`${ids}-servers-help`}>
          {t('ftp.serversHelp')}
        </p>
        {policy.servers.length === 0 ? <p className="muted">{t('ftp.allServers')}</p> : null}
        <ul className="chips" aria-label={t('ftp.servers')}>
          {policy.servers.map((server, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a duplicate server is shown (and flagged) until removed
            <li key={`${server}-${i}`} className="chip mono">
              {server}
              <button
                type="button"
                className="chip-remove"
                aria-label={t('ftp.removeServer', { server })}
                onClick={() => change({ servers: policy.servers.filter((_, j) => j !== i) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <div className="inline-add">
          <label htmlFor={`${ids}-newServer`} className="visually-hidden">
            {t('ftp.newServer')}
          </label>
          <input
            id={`${ids}-newServer`}
            className="mono"
            inputMode="decimal"
            placeholder="192.168.1.2"
            list={`${ids}-targets`}
            value={newServer}
            aria-invalid={serverShown ? true : undefined}
            aria-describedby={desc('servers', !!serverShown)}
            onChange={(e) => setNewServer(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                addServer();
              }
            }}
          />
          <datalist id={`${ids}-targets`}>
            {[...new Set((forwards.data ?? []).map((f) => f.target))].map((target) => (
              <option key={target} value={target} />
            ))}
          </datalist>
          <button type="button" className="btn btn-small" onClick={addServer}>
            {t('ftp.addServer')}
          </button>
        </div>
        {serverShown ? (
          <p className="field-error" id={`${ids}-servers-error`}>
            {serverShown}
          </p>
        ) : null}
      </fieldset>

      <fieldset className="setting" disabled={!canEdit}>
        <legend className="visually-hidden">{t('ftp.passiveOnly')}</legend>
        <div className="setting-head">
          <input
            id={`${ids}-passiveOnly`}
            type="checkbox"
            role="switch"
            aria-checked={policy.passiveOnly}
            checked={policy.passiveOnly}
            aria-describedby={desc('passiveOnly', !!errors.passiveOnly)}
            onChange={(e) => change({ passiveOnly: e.target.checked })}
          />
          <label htmlFor={`${ids}-passiveOnly`}>{t('ftp.passiveOnly')}</label>
        </div>
        <p className="field-help" id={`${ids}-passiveOnly-help`}>
          {t('ftp.passiveOnlyHelp')}
        </p>
        {errors.passiveOnly ? (
          <p className="field-error" id={`${ids}-passiveOnly-error`}>
            {errors.passiveOnly}
          </p>
        ) : null}
      </fieldset>

      {policy.enabled ? (
        <div className={`callout ${exposes990 ? 'callout-error' : 'callout-warn'}`} role="note">
          <strong>{t('ftp.tlsTitle')}</strong>
          <p>{t('ftp.tlsBody')}</p>
          {exposes990 ? <p>{t('ftp.tls990')}</p> : null}
        </div>
      ) : null}

      {canEdit ? (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={update.isPending}>
            {update.isPending ? t('common.saving') : t('common.save')}
          </button>
          <span aria-live="polite">{saved ? t('ftp.savedHint') : ''}</span>
        </div>
      ) : null}
    </form>
  );
}

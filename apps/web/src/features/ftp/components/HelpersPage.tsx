import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../../components/PageHeader';
import { ErrorState, Loading } from '../../../components/QueryState';
import { type FieldErrors, serverFieldErrors } from '../../../lib/form-errors';
import { useCanEdit } from '../../../lib/session';
import { useStatus } from '../../../lib/status';
import { useForwardTargets } from '../api/get-forward-targets';
import { useFtpPolicy } from '../api/get-ftp';
import { useTftpPolicy } from '../api/get-tftp';
import { useUpdateFtpPolicy } from '../api/update-ftp';
import { useUpdateTftpPolicy } from '../api/update-tftp';
import { FtpCard } from './FtpCard';
import { TftpCard } from './TftpCard';
import { UnsavedGuard } from './UnsavedGuard';
import {
  FTP_FIELDS,
  type FtpField,
  type FtpPolicy,
  TFTP_FIELDS,
  type TftpField,
  type TftpPolicy,
  validateFtp,
  validateTftp,
} from './validate';

/**
 * The conntrack helpers, one card per kind (FTP, TFTP) with the same
 * controls, saved together: each kind is its own section of the model
 * (PUT /ftp, PUT /tftp), sent only when it changed.
 */
export function HelpersPage() {
  const { t } = useTranslation();
  const ftp = useFtpPolicy();
  const tftp = useTftpPolicy();
  // Kept here: the form is re-mounted with the saved policies after a save,
  // and the "saved" notice must survive that.
  const [saved, setSaved] = useState(false);
  // The form is re-mounted when the stored policies change, but not in the middle of a save
  // (the first PUT updates its policy before the second is sent).
  const [saving, setSaving] = useState(false);
  const dataKey = JSON.stringify([ftp.data, tftp.data]);
  const [formKey, setFormKey] = useState(dataKey);
  useEffect(() => {
    if (!saving) setFormKey(dataKey);
  }, [dataKey, saving]);
  const failed = ftp.isError ? ftp : tftp.isError ? tftp : null;
  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('helpers.title')} />
      <p className="lede">{t('helpers.intro')}</p>
      {failed ? (
        <ErrorState error={failed.error} onRetry={() => void failed.refetch()} />
      ) : !ftp.data || !tftp.data ? (
        <Loading />
      ) : (
        <HelpersForm
          key={formKey}
          initialFtp={ftp.data}
          initialTftp={tftp.data}
          saved={saved}
          onSavedChange={setSaved}
          onSavingChange={setSaving}
        />
      )}
    </section>
  );
}

const NO_DRAFTS = { port: '', server: '' };

function HelpersForm({
  initialFtp,
  initialTftp,
  saved,
  onSavedChange: setSaved,
  onSavingChange: setSaving,
}: {
  initialFtp: FtpPolicy;
  initialTftp: TftpPolicy;
  saved: boolean;
  onSavedChange: (saved: boolean) => void;
  onSavingChange: (saving: boolean) => void;
}) {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const status = useStatus();
  const forwards = useForwardTargets();
  const updateFtp = useUpdateFtpPolicy();
  const updateTftp = useUpdateTftpPolicy();
  const [ftp, setFtp] = useState<FtpPolicy>(initialFtp);
  const [tftp, setTftp] = useState<TftpPolicy>(initialTftp);
  const [ftpErrors, setFtpErrors] = useState<FieldErrors<FtpField>>({});
  const [tftpErrors, setTftpErrors] = useState<FieldErrors<TftpField>>({});
  const [ftpDrafts, setFtpDrafts] = useState(NO_DRAFTS);
  const [tftpDrafts, setTftpDrafts] = useState(NO_DRAFTS);
  const [busy, setBusy] = useState(false);
  const ids = useId();

  const ftpChanged = JSON.stringify(ftp) !== JSON.stringify(initialFtp);
  const tftpChanged = JSON.stringify(tftp) !== JSON.stringify(initialTftp);
  const drafting = [...Object.values(ftpDrafts), ...Object.values(tftpDrafts)].some((d) => d.trim() !== '');
  const dirty = !busy && (ftpChanged || tftpChanged || drafting);

  const edited = () => {
    setSaved(false);
    setFtpErrors({});
    setTftpErrors({});
  };

  const onSubmit = async (ev: FormEvent) => {
    ev.preventDefault();
    const fe = validateFtp(ftp, forwards.data);
    const te = validateTftp(tftp, forwards.data);
    setFtpErrors(fe);
    setTftpErrors(te);
    if ([...Object.values(fe), ...Object.values(te)].some(Boolean)) return;
    setBusy(true);
    setSaving(true);
    try {
      // Nothing changed: saving FTP's as it is, as the page always did (it confirms the stored state).
      if (ftpChanged || !tftpChanged) {
        try {
          await updateFtp.mutateAsync(ftp);
        } catch (err) {
          setFtpErrors(serverFieldErrors(err, FTP_FIELDS));
          return;
        }
      }
      if (tftpChanged) {
        try {
          await updateTftp.mutateAsync(tftp);
        } catch (err) {
          setTftpErrors(serverFieldErrors(err, TFTP_FIELDS));
          return;
        }
      }
      setSaved(true);
    } finally {
      setBusy(false);
      setSaving(false);
    }
  };

  const count = [...Object.values(ftpErrors), ...Object.values(tftpErrors)].filter(Boolean).length;
  const formError = ftpErrors.form ?? tftpErrors.form;

  return (
    <form className="ftp-form" onSubmit={(e) => void onSubmit(e)} noValidate>
      <UnsavedGuard dirty={dirty} />
      {!canEdit ? <p className="callout callout-info">{t('common.readOnly')}</p> : null}
      {count > 0 ? (
        <div className="callout callout-error" role="alert">
          {formError ?? t('errors.fieldsToFix', { count })}
        </div>
      ) : null}

      <FtpCard
        ids={`${ids}-ftp`}
        policy={ftp}
        errors={ftpErrors}
        drafts={ftpDrafts}
        canEdit={canEdit}
        forwards={forwards.data}
        natState={status.data?.ftp.natFtp?.state}
        onChange={(next) => {
          setFtp((p) => ({ ...p, ...next }));
          edited();
        }}
        onDraft={(next) => setFtpDrafts((d) => ({ ...d, ...next }))}
      />

      <TftpCard
        ids={`${ids}-tftp`}
        policy={tftp}
        errors={tftpErrors}
        drafts={tftpDrafts}
        canEdit={canEdit}
        forwards={forwards.data}
        natState={status.data?.tftp.natTftp?.state}
        onChange={(next) => {
          setTftp((p) => ({ ...p, ...next }));
          edited();
        }}
        onDraft={(next) => setTftpDrafts((d) => ({ ...d, ...next }))}
      />

      {canEdit ? (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
          <span aria-live="polite">{saved ? t('ftp.savedHint') : ''}</span>
        </div>
      ) : null}
    </form>
  );
}

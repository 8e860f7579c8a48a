import { useTranslation } from 'react-i18next';
import type { Api } from '../../../lib/types';
import { RAW_PARAMS, sayText } from './say';

/** Marks where a raw param goes in the translated sentence (a character no translation contains). */
const MARK = '\u0000';

/**
 * One thing the doctor says, translated; a param that is someone else's
 * text (an FTP server's banner, nft's message, a kernel file) is set apart
 * as code, not read as the UI's language.
 */
export function Saying({ saying }: { saying: Api['FtpDoctorSaying'] }) {
  const { t } = useTranslation();
  const raw = Object.keys(saying.params).find((k) => RAW_PARAMS.has(k));
  if (!raw) return <>{sayText(t, saying)}</>;
  const [before, after] = sayText(t, { ...saying, params: { ...saying.params, [raw]: MARK } }).split(MARK);
  return (
    <>
      {before}
      <code>{String(saying.params[raw])}</code>
      {after}
    </>
  );
}

import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Api } from '../../../lib/types';

/** GET /ftp/diagnosis (admin): the FTP doctor's checklist per FTP forward. */
export const FTP_DIAGNOSIS_PATH = '/ftp/diagnosis';

export function getFtpDiagnosis(signal?: AbortSignal): Promise<Api['FtpDiagnosis']> {
  return api<Api['FtpDiagnosis']>(FTP_DIAGNOSIS_PATH, { signal });
}

export const ftpDiagnosisQueryOptions = (enabled = true) =>
  queryOptions({
    enabled,
    queryKey: ['ftp-diagnosis'] as const,
    queryFn: ({ signal }) => getFtpDiagnosis(signal),
    // Each visit diagnoses anew (the probe talks to the servers): never a stale answer on arrival.
    staleTime: 0,
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
  });

/** `enabled`: false for a viewer (the route is the admin's: it probes the servers). */
export function useFtpDiagnosis(enabled = true) {
  return useQuery(ftpDiagnosisQueryOptions(enabled));
}

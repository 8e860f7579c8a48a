import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/**
 * Under the FTP key: whatever refreshes the FTP policy (a discard, a
 * rollback, a config event) refreshes the TFTP policy too, since TanStack
 * invalidates by key prefix.
 */
export const tftpKey = [...keys.ftp, 'tftp'] as const;

export const getTftpPolicy = (signal?: AbortSignal) => api<Api['TftpHelperPolicy']>(paths.tftp, { signal });

export const tftpQueryOptions = () =>
  queryOptions({ queryKey: tftpKey, queryFn: ({ signal }) => getTftpPolicy(signal) });

export function useTftpPolicy() {
  useInvalidateOn(['config', 'rollback'], [tftpKey]);
  return useQuery(tftpQueryOptions());
}

import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { FtpHelperPolicy } from '../../../lib/types';

export const getFtpPolicy = (signal?: AbortSignal) => api<FtpHelperPolicy>(paths.ftp, signal ? { signal } : {});

export const ftpQueryOptions = () =>
  queryOptions({ queryKey: keys.ftp, queryFn: ({ signal }) => getFtpPolicy(signal) });

export function useFtpPolicy() {
  useInvalidateOn(['config', 'rollback'], [keys.ftp]);
  return useQuery(ftpQueryOptions());
}

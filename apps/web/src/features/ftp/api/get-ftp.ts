import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

export const getFtpPolicy = (signal?: AbortSignal) => api<Api['FtpHelperPolicy']>(paths.ftp, { signal });

export const ftpQueryOptions = () =>
  queryOptions({ queryKey: keys.ftp, queryFn: ({ signal }) => getFtpPolicy(signal) });

export function useFtpPolicy() {
  useInvalidateOn(['config', 'rollback'], [keys.ftp]);
  return useQuery(ftpQueryOptions());
}

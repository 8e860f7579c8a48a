import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** What an apply would load: the script, its diff against the live revision, and lockout warnings. */
export const getPreview = (signal?: AbortSignal) => api<Api['Preview']>(paths.preview, { signal });

export const previewQueryOptions = () =>
  queryOptions({ queryKey: keys.preview, queryFn: ({ signal }) => getPreview(signal), staleTime: 0 });

export function usePreview() {
  useInvalidateOn(['apply', 'confirm', 'rollback', 'drift', 'config'], [keys.preview]);
  return useQuery(previewQueryOptions());
}

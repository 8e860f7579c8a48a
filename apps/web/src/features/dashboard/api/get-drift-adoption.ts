import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** The live table read back as a model: the hand change in plain words, or what the model cannot say. */
export const getDriftAdoption = (signal?: AbortSignal) => api<Api['DriftAdoption']>('/drift/adoption', { signal });

export const driftAdoptionQueryOptions = () =>
  queryOptions({
    queryKey: [...keys.status, 'drift-adoption'],
    queryFn: ({ signal }) => getDriftAdoption(signal),
    staleTime: 0,
  });

/** Read only while the adoption panel is open (`enabled`): it lists the whole live table. */
export function useDriftAdoption(enabled: boolean) {
  useInvalidateOn(['drift', 'apply', 'rollback'], [[...keys.status, 'drift-adoption']]);
  return useQuery({ ...driftAdoptionQueryOptions(), enabled });
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';
import type { FlowsData } from './get-flows';

export const killFlow = (id: string) => api<Api['KillResult']>(paths.flow(id), { method: 'DELETE' });

export function useKillFlow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (row: Api['FlowRow']) => killFlow(row.id),
    onSuccess: (_result, row) => {
      // The destroy event will follow; remove the row now so the click has a visible effect.
      queryClient.setQueriesData<FlowsData>({ queryKey: keys.flows }, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((p) => ({ ...p, items: p.items.filter((r) => r.id !== row.id) })),
            }
          : data,
      );
    },
  });
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { pairKey } from '../../../lib/pair';
import { appliedStateKeys } from '../../../lib/query-keys';
import type { Api, ApiBody } from '../../../lib/types';

/** Commit-confirm: with confirmWithinSeconds the apply is provisional until POST apply/confirm. */
export const applyChanges = (body: ApiBody['ApplyBody']) =>
  api<Api['ApplyResult']>(paths.apply, { method: 'POST', body });

export function useApply() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: applyChanges,
    onSettled: () => {
      // The pair's state (a pair node, its peer's revision) changes with the applied revision too.
      for (const queryKey of [...appliedStateKeys, pairKey]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}

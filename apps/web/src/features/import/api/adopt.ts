import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { desiredStateKeys } from '../../../lib/query-keys';
import type { Api, ApiBody } from '../../../lib/types';
import { importKey } from './get-proposal';

/**
 * The reviewed proposal becomes the desired model; the tables in `retire`
 * go in the same nft transaction as the next apply. If-Match names the
 * desired version the proposal was compared with.
 */
export const adoptProposal = (body: ApiBody['ImportAdoptBody'], desiredVersion: number) =>
  api<Api['ImportAdoptResult']>(paths.importAdopt, { method: 'POST', body, ifMatch: `"v${desiredVersion}"` });

export function useAdoptProposal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (v: { body: ApiBody['ImportAdoptBody']; desiredVersion: number }) =>
      adoptProposal(v.body, v.desiredVersion),
    onSettled: () => {
      for (const queryKey of [importKey, ...desiredStateKeys]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}

import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

export const getUsers = (signal?: AbortSignal) => api<Api['UserList']>(paths.users, { signal }).then((r) => r.items);

export const usersQueryOptions = () =>
  queryOptions({ queryKey: keys.users, queryFn: ({ signal }) => getUsers(signal) });

export function useUsers(enabled = true) {
  return useQuery({ ...usersQueryOptions(), enabled });
}

import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, itemsOf, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { UserRow } from '../../../lib/types';

export const getUsers = (signal?: AbortSignal) =>
  api<UserRow[] | { items: UserRow[] }>(paths.users, signal ? { signal } : {}).then(itemsOf);

export const usersQueryOptions = () =>
  queryOptions({ queryKey: keys.users, queryFn: ({ signal }) => getUsers(signal) });

export function useUsers(enabled = true) {
  return useQuery({ ...usersQueryOptions(), enabled });
}

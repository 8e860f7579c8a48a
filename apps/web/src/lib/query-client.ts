import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api';

/** Query defaults, set once: no retries for answers the server meant (4xx), short staleness for a live tool. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: true,
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
      mutations: { retry: false },
    },
  });
}

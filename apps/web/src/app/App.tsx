import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { RouterProvider } from 'react-router';
import { createQueryClient } from '../lib/query-client';
import { sessionKey } from '../lib/session';
import { router } from './router';

/** A 401 from any request ends the session in the UI; the guard then shows the login page. */
function SessionExpiry() {
  const queryClient = useQueryClient();
  useEffect(() => {
    const onUnauthorized = () => {
      if (queryClient.getQueryData(sessionKey)) queryClient.setQueryData(sessionKey, null);
    };
    window.addEventListener('gatehouse:unauthorized', onUnauthorized);
    return () => window.removeEventListener('gatehouse:unauthorized', onUnauthorized);
  }, [queryClient]);
  return null;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <SessionExpiry />
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}

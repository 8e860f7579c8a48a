import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { Loading } from '../components/QueryState';
import { RouteError } from '../components/RouteError';
import { LoginPage } from '../features/auth/components/LoginPage';
import { DashboardPage } from '../features/dashboard/components/DashboardPage';
import { Layout } from './Layout';
import { NotFound } from './NotFound';
import { RequireSession } from './RequireSession';

// Pages other than the dashboard (the wall screen) load on first visit.
const ForwardsPage = lazy(() =>
  import('../features/forwards/components/ForwardsPage').then((m) => ({ default: m.ForwardsPage })),
);
const HelpersPage = lazy(() =>
  import('../features/ftp/components/HelpersPage').then((m) => ({ default: m.HelpersPage })),
);
const FtpDoctorPage = lazy(() =>
  import('../features/ftp-doctor/components/FtpDoctorPage').then((m) => ({ default: m.FtpDoctorPage })),
);
const GatewayPage = lazy(() =>
  import('../features/gateway/components/GatewayPage').then((m) => ({ default: m.GatewayPage })),
);
const ApplyPage = lazy(() => import('../features/apply/components/ApplyPage').then((m) => ({ default: m.ApplyPage })));
const HistoryPage = lazy(() =>
  import('../features/history/components/HistoryPage').then((m) => ({ default: m.HistoryPage })),
);
const ConnectionsPage = lazy(() =>
  import('../features/connections/components/ConnectionsPage').then((m) => ({ default: m.ConnectionsPage })),
);
const ExpectationsPage = lazy(() =>
  import('../features/expectations/components/ExpectationsPage').then((m) => ({ default: m.ExpectationsPage })),
);
const ImportPage = lazy(() =>
  import('../features/import/components/ImportPage').then((m) => ({ default: m.ImportPage })),
);
const PairPage = lazy(() => import('../features/pair/components/PairPage').then((m) => ({ default: m.PairPage })));
const AccessPage = lazy(() =>
  import('../features/access/components/AccessPage').then((m) => ({ default: m.AccessPage })),
);

const page = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;
const withErrorPage = (routes: RouteObject[]): RouteObject[] =>
  routes.map((r) => ({ errorElement: <RouteError />, ...r }) as RouteObject);

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage />, errorElement: <RouteError /> },
  {
    element: (
      <RequireSession>
        <Layout />
      </RequireSession>
    ),
    errorElement: <RouteError />,
    // A page that fails to load or render shows RouteError inside the layout, the menu still there.
    children: withErrorPage([
      { index: true, element: <DashboardPage /> },
      { path: 'forwards', element: page(<ForwardsPage />) },
      { path: 'ftp', element: page(<HelpersPage />) },
      { path: 'ftp-doctor', element: page(<FtpDoctorPage />) },
      { path: 'gateway', element: page(<GatewayPage />) },
      { path: 'apply', element: page(<ApplyPage />) },
      { path: 'history', element: page(<HistoryPage />) },
      { path: 'connections', element: page(<ConnectionsPage />) },
      { path: 'expectations', element: page(<ExpectationsPage />) },
      { path: 'import', element: page(<ImportPage />) },
      { path: 'pair', element: page(<PairPage />) },
      { path: 'access', element: page(<AccessPage />) },
      { path: '*', element: <NotFound /> },
    ]),
  },
]);

/**
 * The FTP doctor (services/ftp-doctor/): a checklist per forward that
 * exposes an FTP control port. Admin only: the probe makes the gateway open
 * a connection to each FTP server on the LAN (an action on the network, not
 * a read of stored state), and the answer carries the servers' banners
 * (software and version) and the addresses of FTP clients, which the
 * read-only dashboard role is not shown (as it is not shown failed logins).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody } from '../schemas/common.js';
import { FtpDiagnosis } from '../schemas/ftp-diagnosis.js';
import { FtpDoctor } from '../services/ftp-doctor/doctor.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const doctor = new FtpDoctor({ gateway: app.gateway, conntrack: app.conntrack, runner: app.runner });
  app.addHook('onReady', async () => doctor.start());
  app.addHook('onClose', async () => doctor.stop());

  app.get(
    '/ftp/diagnosis',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['ftp'],
        summary:
          'The FTP doctor: for each forward exposing an FTP control port, kernel, helper scope, live evidence, passive-only, a probe of the server and heuristics, each ok/warning/failure with evidence and the fix',
        response: { 200: FtpDiagnosis, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async () => doctor.diagnose(),
  );
};

export default routes;

/**
 * Server-Sent Events: flow and expectation changes (batched), and apply,
 * confirm, rollback, drift and resync events. A comment line every 15 s
 * keeps proxies from closing an idle stream.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../schemas/common.js';
import { messageBody } from '../services/events.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Server-Sent Events: flows, expectations (batched), apply, confirm, rollback, drift, resync',
        description:
          'Each message has an event name and a JSON data line. `flows` and `expectations` carry {events: [{type: new|update|destroy, row}]}; ' +
          '`resync` means events were lost (kernel ENOBUFS, a restarted conntrack stream, or a batch overflow): reload the tables.',
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream'), 401: ErrorBody },
      },
    },
    async (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      // The data is written apart from its frame: a batch's JSON (~0.8 MB)
      // is not copied once more with it; one socket write a message.
      // `written`: the data has gone to the socket (or the write failed).
      const write = (event: string, json: string | Buffer, written?: () => void) => {
        res.cork();
        res.write(`event: ${event}\ndata: `);
        res.write(json, written ? () => written() : undefined);
        res.write('\n\n');
        res.uncork();
      };
      const hello = {
        at: new Date().toISOString(),
        following: app.conntrack.following,
        flows: app.conntrack.table.flows.size,
        expectations: app.conntrack.table.expectations.size,
        drift: app.gateway.drift.state,
      };
      write('hello', JSON.stringify(hello));
      const unsubscribe = app.hub.subscribe((msg) => {
        write(msg.event, messageBody(msg), msg.hold?.());
        if (msg.event === 'resync') app.countSseResync();
        if (msg.event === 'bye') res.end();
      });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      req.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
    },
  );
};

export default routes;

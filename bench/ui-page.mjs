/**
 * The Connections page in headless Chromium, shared by the ui groups
 * (ui.mjs, ui-1m.mjs): the init script that times the first data row and
 * counts mounted rows, one timed load of /connections, a scripted scroll
 * with each frame's main-thread time, and the frames' CPU time from a CDP
 * trace. What each measures and why is in ui.mjs's header.
 */
import { chromium } from 'playwright-core';

export const PASSWORD = 'Bench-gatehouse-Puffin-0123'; // as in server.mjs
export const TABLE = 'Connection tracking table';

/** Runs in every page before its scripts: first data row time, most rows mounted. */
export const INIT = `(() => {
  const g = (window.__ghBench = { firstRow: null, maxTr: 0 });
  const sel = 'table[aria-label=${JSON.stringify(TABLE)}]';
  new MutationObserver(() => {
    const t = document.querySelector(sel);
    if (!t) return;
    const n = t.querySelectorAll('tr').length;
    if (n > g.maxTr) g.maxTr = n;
    if (g.firstRow === null && g.pending !== true && t.querySelector('tbody tr:not(.vrow-placeholder)')) {
      g.pending = true;
      requestAnimationFrame(() => { g.firstRow = performance.now(); });
    }
  }).observe(document, { childList: true, subtree: true });
})();`;

/** Most `tr` mounted over every load (loadConnections) and scroll run; loads counted. */
export const mounted = { maxTr: 0, loads: 0 };

/** One full load of /connections; ms from the navigation to the first data row painted. */
export async function loadConnections(page, base, expectTotal, small = 1000) {
  await page.goto('about:blank');
  await page.goto(`${base}/connections`, { waitUntil: 'commit' });
  const table = page.getByRole('table', { name: TABLE });
  await table.locator('tbody tr:not(.vrow-placeholder)').first().waitFor({ state: 'visible', timeout: 60_000 });
  await page.waitForFunction(() => window.__ghBench.firstRow !== null);
  const g = await page.evaluate(() => ({
    ...window.__ghBench,
    rowcount: document.querySelector('table')?.getAttribute('aria-rowcount'),
  }));
  // aria-rowcount is the flows' total (with the header) while pages remain to load.
  const rowcount = Number(g.rowcount);
  if (expectTotal > small && !(rowcount > expectTotal * 0.99)) throw new Error(`table rowcount ${g.rowcount}`);
  mounted.maxTr = Math.max(mounted.maxTr, g.maxTr);
  mounted.loads++;
  return g.firstRow;
}

/**
 * Scrolls the table's scroll box by `stepRows` rows every animation frame. The
 * row height is measured on a rendered data row (not a constant: the rows'
 * height changes with the page's design). Per frame:
 * `work`, the main thread's time for the frame (its begin time, the rAF
 * timestamp, to the end of its rendering update, seen by a message posted from
 * the rAF callback), and `deltas`, rAF timestamp to rAF timestamp; most rows mounted.
 */
export function scrollRun(page, { stepRows, ms, rows }) {
  return page.evaluate(
    async ({ stepRows, ms, rows }) => {
      const box = document.querySelector('.vtable');
      const table = box.querySelector('table');
      const row = table.querySelector('tbody tr:not(.vrow-placeholder)');
      const rowHeight = row?.getBoundingClientRect().height ?? 0;
      if (!(rowHeight > 0)) throw new Error('no rendered data row to measure the row height on');
      const step = stepRows * rowHeight;
      box.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const deltas = [];
      const work = [];
      let most = 0;
      let last = null;
      // A task posted from a rAF callback runs once the task that ran it (the
      // frame: scroll events, rAF, style, layout, paint, commit) has finished.
      const frameDone = new MessageChannel();
      const begins = [];
      frameDone.port1.onmessage = () => work.push(performance.now() - begins.shift());
      const t0 = performance.now();
      return new Promise((resolve) => {
        function tick(now) {
          if (last !== null) deltas.push(now - last);
          last = now;
          most = Math.max(most, table.querySelectorAll('tr').length);
          const done = ms ? now - t0 >= ms : box.scrollTop >= rows * rowHeight;
          const stuck = box.scrollTop + box.clientHeight >= box.scrollHeight;
          if (done || stuck) {
            // The last frame's message is still to come.
            setTimeout(
              () => resolve({ deltas, work, most, rowHeight, rowsPassed: Math.round(box.scrollTop / rowHeight) }),
              50,
            );
            return;
          }
          box.scrollTop += step;
          begins.push(now);
          frameDone.port2.postMessage(0);
          requestAnimationFrame(tick);
        }
        requestAnimationFrame(tick);
      });
    },
    { stepRows, ms, rows },
  );
}

/** Ends a CDP trace started with `transferMode: 'ReturnAsStream'`; its JSON text. */
export async function endTrace(cdp) {
  const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    text += chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  return text;
}

/**
 * Thread CPU time of each frame's main-thread task (ProxyMain::BeginMainFrame
 * in a CDP trace, category `benchmark` only, which records little). Unlike the
 * wall-clock figure it does not grow when other processes on the box take the
 * CPU, so a MISS can be told apart: the page got slower, or the box was busy.
 */
export async function frameCpuTrace(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', { categories: 'benchmark', transferMode: 'ReturnAsStream' });
  return {
    async stop() {
      const text = await endTrace(cdp);
      await cdp.detach();
      const events = JSON.parse(text).traceEvents;
      const main = new Set(
        events
          .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
          .map((e) => `${e.pid}/${e.tid}`),
      );
      return events
        .filter((e) => e.ph === 'X' && e.name === 'ProxyMain::BeginMainFrame' && main.has(`${e.pid}/${e.tid}`))
        .map((e) => e.tdur / 1000);
    },
  };
}

/** Debian's Chromium, headless, and a signed-in page (1280x800) with INIT. */
export async function openBrowser(base) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(INIT);
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  return { browser, page };
}

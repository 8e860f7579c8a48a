/**
 * Reading a stream's output a slice per turn of the event loop (Runner.stream
 * and the spawn helper's frames).
 */

/** How long one turn of the event loop may spend on one stream's output before it lets timers and other I/O in. */
export const STREAM_SLICE_MS = 8;

/**
 * Reads `stream` in slices: once its chunks have taken STREAM_SLICE_MS of
 * this turn of the event loop, it is paused until the next turn. libuv
 * otherwise reads up to 32 chunks (2 MB) of a pipe that stays full in one
 * go: a resync dump held by the helper, or `conntrack -E` in a burst, kept
 * the loop for 100-500 ms under load (bench 15.2c). Nothing is lost: the
 * writer waits (or the helper holds it) until the next turn.
 */
export function readInSlices(stream: NodeJS.ReadableStream, sliceMs = STREAM_SLICE_MS): void {
  let sliceStart = -1;
  let paused = false;
  const nextTurn = () => {
    sliceStart = -1;
    if (paused) {
      paused = false;
      stream.resume();
    }
  };
  // Before the consumer's own 'data' listener: the slice starts before its first chunk is handled.
  stream.prependListener('data', () => {
    if (sliceStart >= 0) return;
    sliceStart = performance.now();
    setImmediate(nextTurn);
  });
  // After it: the chunk has been handled.
  stream.on('data', () => {
    if (!paused && performance.now() - sliceStart >= sliceMs) {
      paused = true;
      stream.pause();
    }
  });
}

/**
 * Splits chunks of a command's output into lines (a last line without a
 * newline is handed over at `end`), for output that arrives as raw chunks
 * (runner.ts's streams from the helper, prestarted-streams.ts).
 */
import { StringDecoder } from 'node:string_decoder';

export interface LineSplitter {
  push(chunk: Buffer): void;
  end(): void;
}

export function lineSplitter(onLine: (line: string) => void): LineSplitter {
  const decoder = new StringDecoder('utf8');
  let tail = '';
  return {
    push(chunk) {
      const text = tail + decoder.write(chunk);
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        onLine(text.slice(from, nl).replace(/\r$/, ''));
        from = nl + 1;
      }
      tail = text.slice(from);
    },
    end() {
      const rest = tail + decoder.end();
      tail = '';
      if (rest !== '') onLine(rest.replace(/\r$/, ''));
    },
  };
}

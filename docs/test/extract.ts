/**
 * The commands the documentation shows: every line of a ```sh, ```bash or
 * ```shell block (continuation lines joined, comments dropped), split into
 * words the way a POSIX shell would for the simple commands the docs use
 * (quotes, $VAR and ${VAR} expansion, leading VAR=value assignments). A line
 * with anything more (pipes, redirections, &&, $(...)) is kept but marked
 * `shellSyntax`, so the test can refuse to run it without a shell.
 * Pure: no I/O here beyond what the caller passes in.
 */

export interface DocCommand {
  /** Repository-relative path of the markdown file. */
  file: string;
  /** 1-based line of the command's first line in that file. */
  line: number;
  /** The command as documented: continuations joined, comment removed, spaces collapsed. */
  text: string;
}

export interface Words {
  /** Leading VAR=value assignments. */
  env: Record<string, string>;
  argv: string[];
  /** Unquoted shell syntax beyond a simple command (|, &, ;, <, >, `, $( ): not runnable without a shell. */
  shellSyntax: string | undefined;
}

const COMMAND_FENCE = /^\s*```(sh|bash|shell)\s*$/;
const ANY_FENCE = /^\s*```/;

/** The commands of one markdown file, in order. */
export function extractCommands(file: string, markdown: string): DocCommand[] {
  const lines = markdown.split('\n');
  const out: DocCommand[] = [];
  let inCommands = false;
  let inOther = false;
  let pending: { line: number; text: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (!inCommands && !inOther) {
      if (COMMAND_FENCE.test(raw)) inCommands = true;
      else if (ANY_FENCE.test(raw)) inOther = true;
      continue;
    }
    if (ANY_FENCE.test(raw) && raw.trim() === '```') {
      if (pending) throw new Error(`${file}:${pending.line}: a continuation line ends the block`);
      inCommands = false;
      inOther = false;
      continue;
    }
    if (inOther) continue;
    const joined = pending ? `${pending.text} ${raw.trim()}` : raw.trim();
    const start = pending?.line ?? i + 1;
    const body = stripComment(joined);
    if (body.endsWith('\\')) {
      pending = { line: start, text: body.slice(0, -1).trimEnd() };
      continue;
    }
    pending = undefined;
    const text = body.replace(/\s+/g, ' ').trim();
    if (text) out.push({ file, line: start, text });
  }
  if (inCommands || inOther) throw new Error(`${file}: a code block is not closed`);
  return out;
}

/** The line without its comment: a # that starts an unquoted word. */
export function stripComment(line: string): string {
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '\\') i++;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) return line.slice(0, i).trimEnd();
  }
  return line;
}

/** Splits a command into words, expanding $VAR and ${VAR} from `vars` (unquoted or in double quotes). */
export function splitWords(text: string, vars: Record<string, string | undefined>): Words {
  const words: string[] = [];
  let word: string | undefined;
  let shellSyntax: string | undefined;
  const add = (s: string) => {
    word = (word ?? '') + s;
  };
  const expand = (at: number): { value: string; end: number } | undefined => {
    const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(at));
    if (!m) return undefined;
    const name = (m[1] ?? m[2]) as string;
    const value = vars[name];
    if (value === undefined) throw new Error(`$${name} is not set for: ${text}`);
    return { value, end: at + m[0].length };
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in: ${text}`);
      add(text.slice(i + 1, end));
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      for (; j < text.length && text[j] !== '"'; j++) {
        const d = text[j] as string;
        if (d === '\\' && /["\\$`]/.test(text[j + 1] ?? '')) s += text[++j];
        else if (d === '$' && text[j + 1] === '(') {
          shellSyntax ??= '$(';
          s += d;
        } else if (d === '$') {
          const v = expand(j);
          if (v) {
            s += v.value;
            j = v.end - 1;
          } else s += d;
        } else if (d === '`') {
          shellSyntax ??= '`';
          s += d;
        } else s += d;
      }
      if (j >= text.length) throw new Error(`unclosed " in: ${text}`);
      add(s);
      i = j;
    } else if (c === '\\') {
      add(text[i + 1] ?? '');
      i++;
    } else if (c === '$' && text[i + 1] === '(') {
      shellSyntax ??= '$(';
      add(c);
    } else if (c === '$') {
      const v = expand(i);
      if (v) {
        add(v.value);
        i = v.end - 1;
      } else add(c);
    } else if ('|&;<>`'.includes(c)) {
      shellSyntax ??= c;
      add(c);
    } else add(c);
  }
  if (word !== undefined) words.push(word);
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] as string)) {
    const w = words.shift() as string;
    const eq = w.indexOf('=');
    env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return { env, argv: words, shellSyntax };
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Relative links of a markdown file outside code blocks: [text](target), target without a scheme. */
export function relativeLinks(markdown: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  let inCode = false;
  markdown.split('\n').forEach((l, i) => {
    if (ANY_FENCE.test(l)) {
      inCode = !inCode;
      return;
    }
    if (inCode) return;
    for (const m of l.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] as string;
      if (!/^[a-z]+:/i.test(target)) out.push({ line: i + 1, target });
    }
  });
  return out;
}

/** The anchors a markdown file's headings give. */
export function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  let inCode = false;
  for (const l of markdown.split('\n')) {
    if (ANY_FENCE.test(l)) inCode = !inCode;
    else if (!inCode) {
      const m = /^#{1,6}\s+(.*)$/.exec(l);
      if (m) out.add(headingAnchor(m[1] as string));
    }
  }
  return out;
}

import { EngineConfigError } from '../errors';

/**
 * The `text_formats` patterns of the Snapshot API ("list of regular expressions", full match,
 * case-insensitive), compiled to a Thompson automaton instead of a backtracking RegExp: matching
 * costs at most (text length + 1) × (program size) steps whatever the pattern, so a caller cannot
 * make a worker spin (`.*.*.*…X` against a backtracking engine takes exponential time).
 *
 * Syntax: literals; `.`; classes `[A-Z0-9]`, `[^…]`; `\d \D \w \W \s \S` and escaped
 * metacharacters; groups `(…)`, `(?:…)`, `(?P<name>…)`, `(?<name>…)`; alternation `|`;
 * `* + ?` (a trailing `?` for lazy is accepted and means the same for a full match);
 * `{n}`, `{n,}`, `{n,m}` with n, m ≤ MAX_REPEAT; `^` and `$`; the inline flags `(?i)`, `(?a)`,
 * `(?m)`, `(?s)`, `(?u)` and their scoped forms `(?i:…)`, which change nothing on a plate's text.
 * No backreferences or lookaround.
 */
export const TEXT_FORMAT_LIMITS = Object.freeze({
  /** patterns per call */
  formats: 10,
  /** characters per pattern */
  length: 100,
  /** bound of a counted repetition */
  repeat: 20,
  /** automaton instructions per pattern, after counted repetitions are expanded */
  program: 2_000,
});

export interface TextMatcher {
  test(text: string): boolean;
}

type CharTest = (code: number) => boolean;

type Node =
  | { type: 'char'; test: CharTest }
  | { type: 'assert'; at: 'start' | 'end' }
  | { type: 'concat'; items: Node[] }
  | { type: 'alt'; options: Node[] }
  | { type: 'repeat'; node: Node; min: number; max: number /* Infinity: unbounded */ };

type Instruction =
  | { op: 'char'; test: CharTest }
  | { op: 'split'; a: number; b: number }
  | { op: 'jmp'; to: number }
  | { op: 'assert'; at: 'start' | 'end' }
  | { op: 'match' };

const invalid = (pattern: string, why: string) =>
  new EngineConfigError(
    `config.text_formats has an invalid regular expression ${JSON.stringify(pattern)}: ${why}`,
    'text_formats',
  );

const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isWord: CharTest = (c) =>
  isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace: CharTest = (c) => c === 32 || (c >= 9 && c <= 13);
const not =
  (t: CharTest): CharTest =>
  (c) =>
    !t(c);
const CLASS_ESCAPES: Record<string, CharTest> = {
  d: isDigit,
  D: not(isDigit),
  w: isWord,
  W: not(isWord),
  s: isSpace,
  S: not(isSpace),
};
const CONTROL_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11, '0': 0 };
/** Escapes that mean a feature this engine refuses (backreferences, word boundaries, …). */
const REFUSED_ESCAPE = /[1-9bBAZzGkpPux]/;

/**
 * Inline flags as Python's `re` writes them (`(?i)`, `(?i:…)`): clients of the Snapshot API, a
 * Python service, send them. Those that change nothing here are accepted: matching is always
 * case-insensitive (`i`), and a plate's text is one line of ASCII (`a`, `u`, `m`, `s`).
 */
const NEUTRAL_FLAGS = /^[aimsu]+$/;

function checkFlags(pattern: string, flags: string): void {
  if (!NEUTRAL_FLAGS.test(flags))
    throw invalid(
      pattern,
      `the inline flags "(?${flags})" are not supported (i, a, m, s and u are; matching always ignores case)`,
    );
}

/** Case-insensitive, as the Snapshot API's examples (`[a-z]` for upper-case plates) need. */
function caseless(test: CharTest): CharTest {
  return (c) => {
    if (test(c)) return true;
    if (c >= 65 && c <= 90) return test(c + 32);
    if (c >= 97 && c <= 122) return test(c - 32);
    return false;
  };
}

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw invalid(this.src, `unmatched ")" at ${this.i}`);
    return node;
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { type: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.peek() !== '|' && this.peek() !== ')')
      items.push(this.quantified());
    return { type: 'concat', items };
  }

  private quantified(): Node {
    const atom = this.atom();
    const bounds = this.quantifier();
    if (!bounds) return atom;
    if (atom.type === 'assert') throw invalid(this.src, 'an anchor cannot be repeated');
    if (this.peek() === '?') this.i++; // lazy: same language, and a full match has one answer
    if (this.quantifierAhead()) throw invalid(this.src, `nothing to repeat at ${this.i}`);
    return { type: 'repeat', node: atom, ...bounds };
  }

  private quantifierAhead(): boolean {
    const c = this.peek();
    return (
      c === '*' ||
      c === '+' ||
      c === '?' ||
      (c === '{' && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i)))
    );
  }

  private quantifier(): { min: number; max: number } | null {
    const c = this.peek();
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      return { min: c === '+' ? 1 : 0, max: c === '?' ? 1 : Infinity };
    }
    const counted = c === '{' ? /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i)) : null;
    if (!counted) return null;
    this.i += counted[0].length;
    const min = Number(counted[1]);
    const max = counted[2] === undefined ? min : counted[3] === '' ? Infinity : Number(counted[3]);
    const limit = TEXT_FORMAT_LIMITS.repeat;
    if (min > limit || (max !== Infinity && max > limit))
      throw invalid(this.src, `repetition counts are limited to ${limit}`);
    if (max < min) throw invalid(this.src, `{${min},${max}} has its bounds the wrong way round`);
    return { min, max };
  }

  private atom(): Node {
    const c = this.src[this.i++];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return { type: 'char', test: caseless(this.charClass()) };
      case '.':
        return { type: 'char', test: (code) => code !== 10 };
      case '^':
        return { type: 'assert', at: 'start' };
      case '$':
        return { type: 'assert', at: 'end' };
      case '\\':
        return { type: 'char', test: caseless(this.escape(false)) };
      case '*':
      case '+':
      case '?':
        throw invalid(this.src, `nothing to repeat at ${this.i - 1}`);
      case ')':
        throw invalid(this.src, `unmatched ")" at ${this.i - 1}`);
      default: {
        if (c === '{' && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i - 1)))
          throw invalid(this.src, `nothing to repeat at ${this.i - 1}`);
        const code = c.charCodeAt(0);
        return { type: 'char', test: caseless((x) => x === code) };
      }
    }
  }

  private group(): Node {
    if (this.peek() === '?') {
      const named = /^\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(this.src.slice(this.i));
      const flags = /^\?([A-Za-z-]+)([:)])/.exec(this.src.slice(this.i));
      if (this.src.startsWith('?:', this.i)) this.i += 2;
      else if (named) this.i += named[0].length;
      else if (flags) {
        this.i += flags[0].length;
        checkFlags(this.src, flags[1]);
        // `(?i)` sets flags for the whole pattern and holds nothing; `(?i:…)` is a plain group.
        if (flags[2] === ')') return { type: 'concat', items: [] };
      } else throw invalid(this.src, 'lookaround and other (?…) groups are not supported');
    }
    const inner = this.alternation();
    if (this.src[this.i++] !== ')') throw invalid(this.src, 'missing ")"');
    return inner;
  }

  /** A `\x` escape; inside a class, `\b` is a backspace as in every regex dialect. */
  private escape(inClass: boolean): CharTest {
    const c = this.src[this.i++];
    if (c === undefined) throw invalid(this.src, 'pattern ends with "\\"');
    if (CLASS_ESCAPES[c]) return CLASS_ESCAPES[c];
    if (inClass && c === 'b') return (x) => x === 8;
    if (c in CONTROL_ESCAPES) return (x) => x === CONTROL_ESCAPES[c];
    if (REFUSED_ESCAPE.test(c) || /[A-Za-z]/.test(c))
      throw invalid(this.src, `the escape "\\${c}" is not supported`);
    const code = c.charCodeAt(0);
    return (x) => x === code;
  }

  private charClass(): CharTest {
    const negated = this.peek() === '^';
    if (negated) this.i++;
    const parts: CharTest[] = [];
    let first = true;
    while (this.peek() !== ']' || first) {
      if (this.i >= this.src.length) throw invalid(this.src, 'missing "]"');
      first = false;
      const lo = this.classAtom();
      if (
        this.peek() === '-' &&
        this.src[this.i + 1] !== ']' &&
        this.src[this.i + 1] !== undefined &&
        typeof lo === 'number'
      ) {
        this.i++;
        const hi = this.classAtom();
        if (typeof hi !== 'number') throw invalid(this.src, 'a range cannot end in a class escape');
        if (hi < lo) throw invalid(this.src, 'a range has its bounds the wrong way round');
        parts.push((x) => x >= lo && x <= hi);
      } else {
        parts.push(typeof lo === 'number' ? (x) => x === lo : lo);
      }
    }
    this.i++;
    const any: CharTest = (x) => parts.some((p) => p(x));
    return negated ? not(any) : any;
  }

  /** One class member: a character code, or a class escape such as `\d`. */
  private classAtom(): number | CharTest {
    const c = this.src[this.i++];
    if (c !== '\\') return c.charCodeAt(0);
    const start = this.i;
    const test = this.escape(true);
    const e = this.src[start];
    if (CLASS_ESCAPES[e]) return test;
    return e === 'b' ? 8 : e in CONTROL_ESCAPES ? CONTROL_ESCAPES[e] : e.charCodeAt(0);
  }
}

/** Lowers the syntax tree to instructions of a Pike VM, refusing programs over the size limit. */
class Compiler {
  readonly program: Instruction[] = [];
  constructor(private readonly src: string) {}

  private emit(instruction: Instruction): number {
    if (this.program.length >= TEXT_FORMAT_LIMITS.program)
      throw invalid(this.src, 'the pattern is too complex');
    this.program.push(instruction);
    return this.program.length - 1;
  }

  compile(node: Node): void {
    switch (node.type) {
      case 'char':
        this.emit({ op: 'char', test: node.test });
        return;
      case 'assert':
        this.emit({ op: 'assert', at: node.at });
        return;
      case 'concat':
        for (const item of node.items) this.compile(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        node.options.forEach((option, k) => {
          if (k === node.options.length - 1) return this.compile(option);
          const split = this.emit({ op: 'split', a: 0, b: 0 });
          this.compile(option);
          jumps.push(this.emit({ op: 'jmp', to: 0 }));
          this.program[split] = { op: 'split', a: split + 1, b: this.program.length };
        });
        for (const j of jumps) this.program[j] = { op: 'jmp', to: this.program.length };
        return;
      }
      case 'repeat': {
        for (let k = 0; k < node.min; k++) this.compile(node.node);
        if (node.max === Infinity) {
          const split = this.emit({ op: 'split', a: 0, b: 0 });
          this.compile(node.node);
          this.emit({ op: 'jmp', to: split });
          this.program[split] = { op: 'split', a: split + 1, b: this.program.length };
          return;
        }
        for (let k = node.min; k < node.max; k++) {
          const split = this.emit({ op: 'split', a: 0, b: 0 });
          this.compile(node.node);
          this.program[split] = { op: 'split', a: split + 1, b: this.program.length };
        }
      }
    }
  }
}

class TextPattern implements TextMatcher {
  constructor(private readonly program: Instruction[]) {}

  /** Whether the whole of `text` matches: one pass, each instruction visited at most once per position. */
  test(text: string): boolean {
    const size = this.program.length;
    let current: number[] = [];
    let next: number[] = [];
    const seen = new Int32Array(size).fill(-1);
    // Epsilon closure of `pc` at position `at`, with an explicit stack (no recursion depth limit).
    const add = (list: number[], start: number, at: number) => {
      const stack = [start];
      while (stack.length) {
        const pc = stack.pop()!;
        if (seen[pc] === at) continue;
        seen[pc] = at;
        const ins = this.program[pc];
        if (ins.op === 'jmp') stack.push(ins.to);
        else if (ins.op === 'split') stack.push(ins.b, ins.a);
        else if (ins.op === 'assert') {
          if ((ins.at === 'start' && at === 0) || (ins.at === 'end' && at === text.length))
            stack.push(pc + 1);
        } else list.push(pc);
      }
    };
    add(current, 0, 0);
    for (let at = 0; at < text.length && current.length; at++) {
      const code = text.charCodeAt(at);
      for (const pc of current) {
        const ins = this.program[pc];
        if (ins.op === 'char' && ins.test(code)) add(next, pc + 1, at + 1);
      }
      [current, next] = [next, []];
    }
    return current.some((pc) => this.program[pc].op === 'match');
  }
}

/** Compiles one pattern, or throws EngineConfigError (HTTP 400) saying what is wrong with it. */
export function compileTextPattern(pattern: string): TextMatcher {
  if (pattern.length > TEXT_FORMAT_LIMITS.length) {
    throw invalid(
      pattern.slice(0, 40) + '…',
      `patterns are limited to ${TEXT_FORMAT_LIMITS.length} characters`,
    );
  }
  const compiler = new Compiler(pattern);
  compiler.compile(new Parser(pattern).parse());
  compiler.program.push({ op: 'match' });
  return new TextPattern(compiler.program);
}

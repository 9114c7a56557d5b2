/**
 * Just enough PromQL and Prometheus text format to check that deployment files name real metrics:
 * a tokenizer that finds the series selectors of an expression (metric names and label matchers),
 * and a parser of GET /metrics.
 */

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

/** Aggregation operators: they may come before `by (...)` instead of `(`. */
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

const FUNCTIONS = new Set([
  'abs',
  'absent',
  'absent_over_time',
  'acos',
  'acosh',
  'asin',
  'asinh',
  'atan',
  'atanh',
  'avg_over_time',
  'ceil',
  'changes',
  'clamp',
  'clamp_max',
  'clamp_min',
  'cos',
  'cosh',
  'count_over_time',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'deg',
  'delta',
  'deriv',
  'double_exponential_smoothing',
  'exp',
  'floor',
  'histogram_avg',
  'histogram_count',
  'histogram_fraction',
  'histogram_quantile',
  'histogram_stddev',
  'histogram_stdvar',
  'histogram_sum',
  'holt_winters',
  'hour',
  'idelta',
  'increase',
  'irate',
  'label_join',
  'label_replace',
  'last_over_time',
  'ln',
  'log10',
  'log2',
  'mad_over_time',
  'max_over_time',
  'min_over_time',
  'minute',
  'month',
  'pi',
  'predict_linear',
  'present_over_time',
  'quantile_over_time',
  'rad',
  'rate',
  'resets',
  'round',
  'scalar',
  'sgn',
  'sin',
  'sinh',
  'sort',
  'sort_by_label',
  'sort_by_label_desc',
  'sort_desc',
  'sqrt',
  'stddev_over_time',
  'stdvar_over_time',
  'sum_over_time',
  'tan',
  'tanh',
  'time',
  'timestamp',
  'vector',
  'year',
]);

/** Keywords whose parenthesised list holds label names, not expressions. */
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'atan2', 'inf', 'nan', 'start', 'end']);

type Token =
  | { kind: 'ident'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'variable'; text: string }
  | { kind: 'punct'; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const rest = expr.slice(i);
    const space = /^(\s+|#[^\n]*)/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      let j = 1;
      let text = '';
      while (j < rest.length && rest[j] !== quote) {
        if (rest[j] === '\\' && quote !== '`') j += 1;
        text += rest[j] ?? '';
        j += 1;
      }
      if (j >= rest.length) throw new Error(`unterminated string in: ${expr}`);
      tokens.push({ kind: 'string', text });
      i += j + 1;
      continue;
    }
    // Grafana variables: $job, ${DS_PROMETHEUS}, $__rate_interval, [[var]] is not used here.
    const variable = /^\$(\{[^}]*\}|\w+)/.exec(rest);
    if (variable) {
      tokens.push({ kind: 'variable', text: variable[0] });
      i += variable[0].length;
      continue;
    }
    const number = /^(0x[0-9a-fA-F]+|[0-9][0-9a-zA-Z.]*|\.[0-9]+(e[+-]?[0-9]+)?)/.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0] });
      i += ident[0].length;
      continue;
    }
    const punct = /^(=~|!~|!=|==|<=|>=|[(){}[\],=<>+\-*/%^@:])/.exec(rest);
    if (!punct) throw new Error(`unexpected character ${JSON.stringify(rest[0])} in: ${expr}`);
    tokens.push({ kind: 'punct', text: punct[0] });
    i += punct[0].length;
  }
  return tokens;
}

const isPunct = (token: Token | undefined, text: string) => token?.kind === 'punct' && token.text === text;

/** Reads `{label op "value", ...}` starting at the `{`; returns the matchers and the index after `}`. */
function readMatchers(tokens: Token[], start: number, expr: string): { matchers: Matcher[]; next: number } {
  const matchers: Matcher[] = [];
  let i = start + 1;
  while (!isPunct(tokens[i], '}')) {
    const label = tokens[i];
    const op = tokens[i + 1];
    const value = tokens[i + 2];
    if (
      label?.kind !== 'ident' ||
      op?.kind !== 'punct' ||
      !['=', '!=', '=~', '!~'].includes(op.text) ||
      value?.kind !== 'string'
    ) {
      throw new Error(`malformed label matcher in: ${expr}`);
    }
    matchers.push({ label: label.text, op: op.text as Matcher['op'], value: value.text });
    i += 3;
    if (isPunct(tokens[i], ',')) i += 1;
  }
  return { matchers, next: i + 1 };
}

/**
 * The series selectors of a PromQL expression: every metric name it reads, with its label matchers.
 * Function and aggregation names, keywords, label names (in braces and in by/without/on/ignoring/
 * group_left/group_right lists), strings, numbers, durations and Grafana variables are skipped. An
 * unknown name followed by `(` is an error (a misspelt function would otherwise go unnoticed).
 */
export function selectorsIn(expr: string): Selector[] {
  const tokens = tokenize(expr);
  const open: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'punct') continue;
    if ('([{'.includes(token.text)) open.push(token.text);
    const closes = { ')': '(', ']': '[', '}': '{' }[token.text];
    if (closes !== undefined && open.pop() !== closes)
      throw new Error(`unbalanced ${token.text} in: ${expr}`);
  }
  if (open.length > 0) throw new Error(`unclosed ${open.join('')} in: ${expr}`);
  const selectors: Selector[] = [];
  let brackets = 0;
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    const next = tokens[i + 1];
    if (isPunct(token, '[')) brackets += 1;
    if (isPunct(token, ']')) brackets -= 1;
    if (brackets > 0 || token.kind !== 'ident') {
      if (isPunct(token, '{')) {
        // A selector without a metric name: {__name__="x", ...}.
        const { matchers, next: after } = readMatchers(tokens, i, expr);
        const name = matchers.find((m) => m.label === '__name__' && m.op === '=');
        if (name) selectors.push({ metric: name.value, matchers: matchers.filter((m) => m !== name) });
        i = after;
        continue;
      }
      i += 1;
      continue;
    }
    const word = token.text;
    if (LABEL_LISTS.has(word)) {
      // by (a, b): skip the list; group_left may have none.
      if (isPunct(next, '(')) {
        let j = i + 2;
        while (j < tokens.length && !isPunct(tokens[j], ')')) j += 1;
        i = j + 1;
      } else {
        i += 1;
      }
      continue;
    }
    if (AGGREGATIONS.has(word) || KEYWORDS.has(word)) {
      i += 1;
      continue;
    }
    if (isPunct(next, '(')) {
      if (!FUNCTIONS.has(word)) throw new Error(`unknown PromQL function ${word}() in: ${expr}`);
      i += 1;
      continue;
    }
    if (isPunct(next, '{')) {
      const { matchers, next: after } = readMatchers(tokens, i + 1, expr);
      selectors.push({ metric: word, matchers });
      i = after;
      continue;
    }
    selectors.push({ metric: word, matchers: [] });
    i += 1;
  }
  return selectors;
}

/** The metric names an expression reads, each once. */
export function metricNamesIn(expr: string): string[] {
  return [...new Set(selectorsIn(expr).map((s) => s.metric))];
}

export interface MetricFamily {
  type: string;
  /** Sample lines: the sample's own name (x_bucket for a histogram x) and its labels. */
  samples: Array<{ name: string; labels: Record<string, string> }>;
}

/** Parses the Prometheus text format (what prom-client serves at GET /metrics) into families. */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const familyOf = (sample: string): MetricFamily | undefined => {
    const direct = families.get(sample);
    if (direct) return direct;
    const base = /^(.*)_(bucket|sum|count)$/.exec(sample)?.[1];
    return base === undefined ? undefined : families.get(base);
  };
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      families.set(type[1] as string, { type: type[2] as string, samples: [] });
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+\S+/.exec(line);
    if (!sample) throw new Error(`unreadable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (sample[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = pair[2] as string;
    }
    familyOf(sample[1] as string)?.samples.push({ name: sample[1] as string, labels });
  }
  return families;
}

/** Names that Prometheus makes itself for every target rather than reading them from /metrics. */
const PROMETHEUS_OWN = new Set(['up']);
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = new Set(['job', 'instance']);

/**
 * What is wrong with one selector against the scraped families: its metric does not exist (a
 * histogram's _bucket/_sum/_count count as their base name), or it matches on a label that the
 * metric's samples do not have, or on a value they never take. Labels and values are checked only
 * where samples exist.
 */
export function problemsOf(selector: Selector, families: Map<string, MetricFamily>): string[] {
  const { metric } = selector;
  if (PROMETHEUS_OWN.has(metric)) return [];
  const suffixed = /^(.*)_(bucket|sum|count)$/.exec(metric);
  const family =
    families.get(metric) ??
    (suffixed &&
    ['histogram', 'summary'].includes(families.get(suffixed[1] as string)?.type ?? '') &&
    !(suffixed[2] === 'bucket' && families.get(suffixed[1] as string)?.type === 'summary')
      ? families.get(suffixed[1] as string)
      : undefined);
  if (!family) return [`${metric} is not in /metrics`];
  const samples = family.samples.filter((s) => s.name === metric || families.get(metric) === family);
  if (samples.length === 0) return [];
  const problems: string[] = [];
  for (const matcher of selector.matchers) {
    if (TARGET_LABELS.has(matcher.label)) continue;
    const values = new Set(
      samples.flatMap((s) => (matcher.label in s.labels ? [s.labels[matcher.label]] : [])),
    );
    if (values.size === 0) {
      problems.push(`${metric} has no label ${matcher.label}`);
    } else if (matcher.op === '=' && !matcher.value.includes('$') && !values.has(matcher.value)) {
      problems.push(
        `${metric}{${matcher.label}="${matcher.value}"} matches nothing (seen: ${[...values].join(', ')})`,
      );
    }
  }
  return problems;
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ACTION_IDS } from '../../../src/domain/approval-card.js';
import type { LocalStand } from '../../../src/local/local-stand.js';
import { cardIn, startStand, waitForFinal } from '../../support/stand.js';
import { type MetricFamily, metricNamesIn, parseExposition, problemsOf, selectorsIn } from './promql.js';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const DASHBOARD_FILE = 'deploy/grafana-dashboard.json';
const ALERTS_FILE = 'deploy/prometheus-alerts.yml';
/** Grafana's reference to the data source input/variable. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own placeholder syntax, meant literally
const DATASOURCE_UID = '${DS_PROMETHEUS}';

interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Array<{ expr?: string; datasource?: { uid?: string } }>;
  panels?: Panel[];
}
interface Dashboard {
  __inputs?: Array<{ name: string; type: string; pluginId: string }>;
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: {
    list: Array<{
      name: string;
      type: string;
      query?: string | { query?: string };
      datasource?: { uid?: string };
    }>;
  };
}
interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: Array<{ name: string; rules: AlertRule[] }>;
}

const dashboard = JSON.parse(readFileSync(root(DASHBOARD_FILE), 'utf8')) as Dashboard;
const rules = parseYaml(readFileSync(root(ALERTS_FILE), 'utf8')) as RuleFile;

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Every PromQL expression of the dashboard, with where it is: panel targets and query variables. */
function dashboardExpressions(d: Dashboard): Array<{ where: string; expr: string }> {
  const found: Array<{ where: string; expr: string }> = [];
  for (const panel of allPanels(d.panels)) {
    for (const target of panel.targets ?? []) {
      if (target.expr) found.push({ where: `panel "${panel.title}"`, expr: target.expr });
    }
  }
  for (const variable of d.templating.list) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
    // Grafana's label_values(<selector>, <label>): the selector is PromQL, the label is not.
    const labelValues = /^label_values\((.*),\s*[a-zA-Z_]\w*\s*\)$/.exec(query.trim());
    const expr = labelValues ? labelValues[1] : query;
    if (expr) found.push({ where: `variable $${variable.name}`, expr });
  }
  return found;
}

function alertExpressions(file: RuleFile): Array<{ where: string; expr: string }> {
  return file.groups.flatMap((g) =>
    g.rules.map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })),
  );
}

function problemsAgainst(
  expressions: Array<{ where: string; expr: string }>,
  families: Map<string, MetricFamily>,
): string[] {
  return expressions.flatMap(({ where, expr }) =>
    selectorsIn(expr).flatMap((s) => problemsOf(s, families).map((p) => `${where}: ${p}`)),
  );
}

describe('the PromQL reader used by these checks', () => {
  it('finds metric names and skips functions, aggregations, keywords, label lists and variables', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (le, decision) (rate(foo_seconds_bucket{job=~"$job", a="b,c}"}[$__rate_interval])))',
      ),
    ).toEqual(['foo_seconds_bucket']);
    expect(
      metricNamesIn(
        '(sum(bar_total{r="x"} unless bar_total{r="x"} offset 15m) or vector(0)) + on() group_left(instance) baz > bool 2',
      ),
    ).toEqual(['bar_total', 'baz']);
    expect(metricNamesIn('min_over_time(max without (pod) (qux)[20m:1m]) and absent(up{job="j"})')).toEqual([
      'qux',
      'up',
    ]);
    expect(metricNamesIn('{__name__="named", state="waiting"}')).toEqual(['named']);
    expect(selectorsIn('x{a="1",b!~"2|3"}')).toEqual([
      {
        metric: 'x',
        matchers: [
          { label: 'a', op: '=', value: '1' },
          { label: 'b', op: '!~', value: '2|3' },
        ],
      },
    ]);
  });

  it('refuses a misspelt function, and reports a metric, label or value that /metrics lacks', () => {
    expect(() => metricNamesIn('histogram_quantil(0.5, x_bucket)')).toThrow(/unknown PromQL function/);
    expect(() => metricNamesIn('sum(rate(x[5m])')).toThrow(/unclosed \(/);
    expect(() => metricNamesIn('sum(x{a="b")}')).toThrow(/malformed label matcher|unbalanced/);
    const families = parseExposition(
      [
        '# HELP a_total a',
        '# TYPE a_total counter',
        'a_total{result="ok"} 1',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{le="1"} 1',
        'h_seconds_sum 1',
        'h_seconds_count 1',
        '# TYPE g gauge',
      ].join('\n'),
    );
    const check = (expr: string) => selectorsIn(expr).flatMap((s) => problemsOf(s, families));
    expect(
      check('rate(a_total{result="ok",job="x"}[5m]) + h_seconds_bucket + h_seconds_count + g + up'),
    ).toEqual([]);
    expect(check('rate(lightsail_reset_nope_total[5m])')).toEqual([
      'lightsail_reset_nope_total is not in /metrics',
    ]);
    expect(check('a_total{outcome="ok"}')).toEqual(['a_total has no label outcome']);
    expect(check('a_total{result="fail"}')).toEqual(['a_total{result="fail"} matches nothing (seen: ok)']);
    expect(check('a_bucket + h_seconds_total')).toEqual([
      'a_bucket is not in /metrics',
      'h_seconds_total is not in /metrics',
    ]);
  });
});

describe('the Grafana dashboard and the Prometheus alerts', () => {
  it('parse, and have the shape Grafana and Prometheus expect', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toBe('lightsail-reset');
    expect(dashboard.__inputs).toContainEqual(
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
    );
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', query: 'prometheus' }),
    );
    const panels = allPanels(dashboard.panels);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      expect(panel.gridPos, panel.title).toBeDefined();
      const { x, w } = panel.gridPos ?? { x: 0, w: 0 };
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      expect(panel.datasource?.uid, panel.title).toBe(DATASOURCE_UID);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid, panel.title).toBe(DATASOURCE_UID);
        expect(target.expr, panel.title).toBeTruthy();
      }
    }

    const alerts = rules.groups.flatMap((g) => g.rules);
    const names = alerts.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of alerts) {
      expect(rule.alert, rule.expr).toMatch(/^LightsailReset[A-Za-z]+$/);
      expect(rule.expr, rule.alert).toBeTruthy();
      if (rule.for !== undefined) expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity);
      for (const key of ['summary', 'description', 'runbook']) {
        expect(rule.annotations?.[key], `${rule.alert} ${key}`).toBeTruthy();
      }
    }
    // What on-call must hear about.
    expect(names).toEqual(
      expect.arrayContaining([
        'LightsailResetDown',
        'LightsailResetNoWorker',
        'LightsailResetRedisDown',
        'LightsailResetFailing',
        'LightsailResetQueueStuck',
        'LightsailResetLightsailErrorsHigh',
        'LightsailResetSlackErrorsHigh',
      ]),
    );
  });

  // promtool checks the rules' syntax and templates and runs test/integration/deploy/prometheus-alerts.promtool.yml.
  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  it.skipIf(promtool.error !== undefined)(
    'pass promtool: the rules, their unit tests, the dashboard queries',
    () => {
      const check = spawnSync('promtool', ['check', 'rules', root(ALERTS_FILE)], { encoding: 'utf8' });
      expect(check.status, check.stdout + check.stderr).toBe(0);
      const unit = spawnSync('promtool', ['test', 'rules', 'prometheus-alerts.promtool.yml'], {
        cwd: fileURLToPath(new URL('.', import.meta.url)),
        encoding: 'utf8',
      });
      expect(unit.status, unit.stdout + unit.stderr).toBe(0);

      // The dashboard's queries, with Grafana's variables filled in, as recording rules: promtool parses them.
      const dir = mkdtempSync(join(tmpdir(), 'lightsail-reset-dashboard-'));
      try {
        const asRules = {
          groups: [
            {
              name: 'dashboard',
              rules: dashboardExpressions(dashboard).map(({ expr }, i) => ({
                record: `dashboard:query_${i}`,
                expr: expr
                  .replaceAll('$__rate_interval', '5m')
                  .replaceAll('$__range', '1d')
                  .replaceAll('$__interval', '1m')
                  .replaceAll('$job', 'lightsail-reset'),
              })),
            },
          ],
        };
        writeFileSync(join(dir, 'dashboard.yml'), stringifyYaml(asRules));
        const queries = spawnSync('promtool', ['check', 'rules', join(dir, 'dashboard.yml')], {
          encoding: 'utf8',
        });
        expect(queries.status, queries.stdout + queries.stderr).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  describe('against the /metrics of the built app after a request ran through it', () => {
    let stand: LocalStand;
    let families: Map<string, MetricFamily>;

    beforeAll(async () => {
      stand = await startStand({ extraDistributions: ['obs-ok', 'obs-fail', 'obs-gone'] });
      stand.lightsail.setOperationScript((name) => ({
        statuses: ['Started', name === 'obs-fail' ? 'Failed' : 'Succeeded'],
      }));
      // One reset that succeeds and one that fails, each asked for and approved through Slack.
      for (const [name, channel] of [
        ['obs-ok', 'C0OBSOK'],
        ['obs-fail', 'C0OBSFAIL'],
      ] as const) {
        await stand.command(name, 'U0REQUEST', channel);
        const { card, requestId } = await cardIn(stand, channel);
        await stand.click(ACTION_IDS.approve, requestId, 'U0APPROVE', card.ts, channel);
        await waitForFinal(stand, channel, card.ts);
      }
      // A Slack API error: the card cannot be posted in a channel Slack does not know.
      stand.slack.setChannelNotFound('C0OBSGONE');
      await stand.command('obs-gone', 'U0REQUEST', 'C0OBSGONE');

      // The result counter moves when the job completes, just after the last thread reply.
      const url = `http://127.0.0.1:${stand.port}/metrics`;
      const deadline = Date.now() + 15_000;
      for (;;) {
        const res = await fetch(url);
        expect(res.status).toBe(200);
        families = parseExposition(await res.text());
        const sampled = (name: string) => (families.get(name)?.samples.length ?? 0) > 0;
        const results =
          families.get('lightsail_reset_results_total')?.samples.map((s) => s.labels.result) ?? [];
        if (
          results.includes('succeeded') &&
          results.includes('failed') &&
          sampled('lightsail_reset_slack_api_errors_total') &&
          sampled('lightsail_reset_operation_duration_seconds')
        ) {
          break;
        }
        if (Date.now() > deadline) throw new Error(`the expected series did not appear in /metrics`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    afterAll(async () => {
      await stand?.stop();
    });

    it('name only metrics, labels and label values that /metrics has', () => {
      expect(problemsAgainst(dashboardExpressions(dashboard), families)).toEqual([]);
      expect(problemsAgainst(alertExpressions(rules), families)).toEqual([]);
    });

    it('cover every metric of the bot on the dashboard, and the ones on-call needs in the alerts', () => {
      const onDashboard = new Set(
        dashboardExpressions(dashboard).flatMap(({ expr }) =>
          metricNamesIn(expr).map((name) =>
            families.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ''),
          ),
        ),
      );
      const botMetrics = [...families.keys()].filter((name) => name.startsWith('lightsail_reset_'));
      expect(botMetrics.length).toBeGreaterThanOrEqual(10);
      expect(botMetrics.filter((name) => !onDashboard.has(name))).toEqual([]);
      for (const name of [
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
      ]) {
        expect(onDashboard, name).toContain(name);
      }

      const inAlerts = new Set(alertExpressions(rules).flatMap(({ expr }) => metricNamesIn(expr)));
      for (const name of [
        'up',
        'lightsail_reset_results_total',
        'lightsail_reset_queue_jobs',
        'lightsail_reset_worker_running',
        'lightsail_reset_redis_up',
        'lightsail_reset_lightsail_calls_total',
        'lightsail_reset_slack_api_errors_total',
      ]) {
        expect(inAlerts, name).toContain(name);
      }
    });
  });
});

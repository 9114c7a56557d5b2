import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMAND } from '../../src/domain/command-text.js';
import { RESET_STEP_CALLBACK_ID, StepInputsSchema, stepOutcome } from '../../src/domain/workflow-step.js';
import { aRequest } from '../support/requests.js';

interface Parameters {
  properties: Record<string, { type: string }>;
  required?: string[];
}
const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as {
  features: { slash_commands: Array<{ command: string }>; app_home: { home_tab_enabled: boolean } };
  functions: Record<string, { input_parameters: Parameters; output_parameters: Parameters }>;
  settings: {
    event_subscriptions: { bot_events: string[] };
    interactivity: { is_enabled: boolean; message_menu_options_url?: string };
    function_runtime: string;
    org_deploy_enabled: boolean;
  };
};

describe('manifest.yml, the Slack app the code expects', () => {
  it('declares the slash command, the Home tab and the events the listeners handle', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([COMMAND]);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_home_opened', 'function_executed']),
    );
    expect(manifest.settings.interactivity.message_menu_options_url).toMatch(/\/slack\/events$/);
  });

  it('declares the workflow step with the inputs the code reads and the outputs it gives', () => {
    expect(manifest.settings.function_runtime).toBe('remote');
    expect(manifest.settings.org_deploy_enabled).toBe(true);
    const step = manifest.functions[RESET_STEP_CALLBACK_ID];
    expect(step).toBeDefined();
    const inputs = step?.input_parameters;
    expect(Object.keys(inputs?.properties ?? {}).sort()).toEqual(Object.keys(StepInputsSchema.shape).sort());
    const optional = Object.entries(StepInputsSchema.shape)
      .filter(([, schema]) => schema.safeParse(undefined).success)
      .map(([name]) => name);
    expect([...(inputs?.required ?? [])].sort()).toEqual(
      Object.keys(StepInputsSchema.shape)
        .filter((name) => !optional.includes(name))
        .sort(),
    );
    const outcome = stepOutcome(
      aRequest({ state: 'succeeded', operationId: 'op-1', startedAt: 1_000, finishedAt: 61_000 }),
    );
    expect(outcome?.kind).toBe('success');
    const outputs = outcome?.kind === 'success' ? outcome.outputs : {};
    const declared = step?.output_parameters.properties ?? {};
    expect(Object.keys(declared).sort()).toEqual(Object.keys(outputs).sort());
    for (const [name, value] of Object.entries(outputs)) {
      expect(declared[name]?.type).toBe(typeof value === 'number' ? 'number' : 'string');
    }
    for (const name of step?.output_parameters.required ?? []) expect(outputs).toHaveProperty(name);
  });
});

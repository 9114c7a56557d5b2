import type { OpenLoopPlan, OpenLoopResult } from './open-loop-client.js';
import { ScriptProcess } from './processes.js';

export type { OpenLoopPlan, OpenLoopResult };

const CLIENT = new URL('./open-loop-client.ts', import.meta.url);

/**
 * Runs the open-loop load generator in a child process (at the normal priority, niceness 0, even
 * when the caller runs below it) and returns what it measured.
 */
export async function runOpenLoop(plan: OpenLoopPlan): Promise<OpenLoopResult> {
  const stdout = await ScriptProcess.run(CLIENT, { OPEN_LOOP_PLAN: JSON.stringify(plan) }, 0);
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as OpenLoopResult;
}

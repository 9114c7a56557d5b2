import type { AllMiddlewareArgs, App, BlockAction, RespondFn, SlackActionMiddlewareArgs } from '@slack/bolt';

export type ActionListener = (
  args: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs,
) => Promise<void>;

/**
 * The app's button and menu listeners, by action id, behind one Bolt listener. Bolt runs the matching
 * of every listener on every request it gets (a slash command walks all of them), so registering each
 * action with Bolt would make every ack pay for every button. One listener, and a map lookup here, keeps
 * that walk short; each action still has its listener in a module of its own.
 */
export class ActionRoutes {
  private readonly byId = new Map<string, ActionListener>();
  private readonly byPattern: Array<{ pattern: RegExp; listener: ActionListener }> = [];

  /** Routes clicks on `actionId` (an id, or a pattern every id of a family matches) to `listener`. */
  action(actionId: string | RegExp, listener: ActionListener): void {
    if (typeof actionId === 'string') {
      if (this.byId.has(actionId)) throw new Error(`two listeners for the action ${actionId}`);
      this.byId.set(actionId, listener);
    } else {
      this.byPattern.push({ pattern: actionId, listener });
    }
  }

  listenerOf(actionId: string): ActionListener | undefined {
    return this.byId.get(actionId) ?? this.byPattern.find(({ pattern }) => pattern.test(actionId))?.listener;
  }

  /** Registers the one Bolt listener for block actions. */
  register(app: App): void {
    app.action<BlockAction>({ type: 'block_actions' }, async (args) => {
      const listener = this.listenerOf(args.action.action_id);
      if (listener) {
        // Bolt gives no respond to a click without a response_url (Slack sends one with every click on a
        // message; a Home tab click has none): listeners always get one, which logs what it could not show.
        const respond: RespondFn =
          args.respond ??
          (async (message) => {
            const text = typeof message === 'string' ? message : (message.text ?? '');
            args.logger.warn(
              `a click on ${args.action.action_id} came without a response_url; its answer was not shown: ${text}`,
            );
          });
        await listener({ ...args, respond });
        return;
      }
      // Over HTTP the front refuses unknown action ids before Bolt; over Socket Mode they reach here.
      // Acked, so Slack shows no error and does not retry, and otherwise ignored.
      await args.ack();
      args.logger.warn(`ignored a click on an action this app does not have: ${args.action.action_id}`);
    });
  }
}

import { describe, expect, it } from 'vitest';
import { type ActionListener, ActionRoutes } from '../../src/slack/actions/action-routes.js';

describe('ActionRoutes', () => {
  const listener = (): ActionListener => async () => {};

  it('finds a listener by its exact id before any pattern', () => {
    const routes = new ActionRoutes();
    const exact = listener();
    const family = listener();
    routes.action(/^pick/, family);
    routes.action('pick_distribution', exact);
    expect(routes.listenerOf('pick_distribution')).toBe(exact);
    expect(routes.listenerOf('pick_1')).toBe(family);
  });

  it('has no listener for an id nothing matches', () => {
    const routes = new ActionRoutes();
    routes.action('approve', listener());
    routes.action(/^suggestion_\d$/, listener());
    expect(routes.listenerOf('approve_all')).toBeUndefined();
    expect(routes.listenerOf('suggestion_12')).toBeUndefined();
  });

  it('refuses two listeners for one id', () => {
    const routes = new ActionRoutes();
    routes.action('approve', listener());
    expect(() => routes.action('approve', listener())).toThrow(/two listeners for the action approve/);
  });
});

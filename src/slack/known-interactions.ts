import { HOME_REFRESH_ACTION_ID } from '../domain/app-home.js';
import { ACTION_IDS } from '../domain/approval-card.js';
import { DENY_DIALOG } from '../domain/deny-dialog.js';
import { PICKER_ACTION_ID } from '../domain/distribution-picker.js';
import { SUGGESTION_ACTION_ID } from '../domain/suggestions.js';
import type { KnownInteractions } from './slack-http-front.js';

/** Every action id and dialog callback id the listeners handle: a new listener adds its id here. */
export const KNOWN_INTERACTIONS: KnownInteractions = {
  actionIds: new Set([
    ...Object.values(ACTION_IDS),
    ...[0, 1, 2].map((i) => `${SUGGESTION_ACTION_ID}_${i}`),
    PICKER_ACTION_ID,
    HOME_REFRESH_ACTION_ID,
  ]),
  /** Menus whose options the app serves (block_suggestion). */
  optionActionIds: new Set([PICKER_ACTION_ID]),
  viewCallbackIds: new Set([DENY_DIALOG.callbackId]),
};

import type { Block } from '../domain/approval-card.js';
import { type PickerOption, pickerOptions, renderPicker } from '../domain/distribution-picker.js';
import { distributionNames } from './distribution-catalog.js';
import type { FlowDeps } from './flow-deps.js';

/** `/lightsail-reset` alone: the menu of distributions, or why there is none. */
export async function distributionPicker(
  deps: Pick<FlowDeps, 'lightsail' | 'logger'>,
): Promise<{ text: string; blocks?: Block[] }> {
  const listing = await distributionNames(deps);
  if ('problem' in listing) {
    return {
      text: `:warning: I couldn't list the distributions with Lightsail: ${listing.problem}. Type the name instead: \`/lightsail-reset <distribution-name>\`.`,
    };
  }
  return renderPicker(listing.names);
}

/** The picker's type-ahead: matching names, or none when Lightsail cannot say (Slack shows "no results"). */
export async function distributionOptions(
  deps: Pick<FlowDeps, 'lightsail' | 'logger'>,
  typed: string,
): Promise<PickerOption[]> {
  const listing = await distributionNames(deps);
  return 'names' in listing ? pickerOptions(listing.names, typed) : [];
}

/** Escapes text from outside (people, Lightsail) so Slack never reads it as a mention, link or command. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that cannot be broken out of by a backtick in the text. */
export function code(text: string): string {
  return `\`${escapeText(text).replace(/`/g, "'")}\``;
}

export function mention(userId: string): string {
  return `<@${userId}>`;
}

/** Slack renders this in each reader's own time zone; the fallback is for clients that cannot. */
export function slackDate(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  const fallback = new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${fallback} UTC>`;
}

/**
 * Escapes, then cuts to at most `max` characters (never inside an entity): escaping after a cut could
 * take `&<>`-heavy text past Slack's limits.
 */
export function escapeWithin(text: string, max: number): string {
  const escaped = escapeText(text);
  return escaped.length <= max ? escaped : `${escaped.slice(0, max - 1).replace(/&[a-z]{0,3}$/, '')}…`;
}

/** Cuts text to at most `max` characters, marking the cut, so a message stays within Slack's limits. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Free text a person typed (a reason), shown verbatim: in a code span `*bold*`, `_x_` and links do not
 * render, and escaping keeps `<!channel>` from pinging.
 */
export function quote(text: string, max: number): string {
  return `\`${escapeWithin(text.replace(/\s+/g, ' ').trim().replace(/`/g, "'"), max)}\``;
}

/** For places that show no markup (dialog errors, a workflow's error): emoji codes, mentions and dates made plain. */
export function toPlainText(mrkdwn: string): string {
  return mrkdwn
    .replace(/:[a-z_]+:\s*/g, '')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/`/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

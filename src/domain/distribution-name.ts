/** Lightsail's own rule for resource names is `\w[\w\-]*\w`; we also bound the length. */
export const MAX_DISTRIBUTION_NAME_LENGTH = 255;
const NAME_RULE = /^\w[\w-]*\w$/;

export type NameCheck = { ok: true; name: string } | { ok: false; problem: string };

/** Decides whether text can be a Lightsail distribution name, saying what is wrong when it cannot. */
export function checkDistributionName(text: string): NameCheck {
  const name = text.trim();
  if (name.length === 0) return { ok: false, problem: 'No distribution name was given.' };
  if (name.length > MAX_DISTRIBUTION_NAME_LENGTH) {
    return {
      ok: false,
      problem: `That name is ${name.length} characters long; distribution names have at most ${MAX_DISTRIBUTION_NAME_LENGTH}.`,
    };
  }
  if (/\s/.test(name)) return { ok: false, problem: 'Give one distribution name, without spaces.' };
  if (/[^\x20-\x7e]/.test(name)) {
    return { ok: false, problem: 'Distribution names use plain ASCII letters, digits, `-` and `_` only.' };
  }
  if (!NAME_RULE.test(name)) {
    return {
      ok: false,
      problem:
        'Distribution names use letters, digits, `-` and `_`, at least two characters, and start and end with a letter, digit or `_`.',
    };
  }
  return { ok: true, name };
}

import { describe, expect, it } from 'vitest';
import {
  PICKER_ACTION_ID,
  pickerOptions,
  renderPicker,
  STATIC_PICKER_MAX,
} from '../../src/domain/distribution-picker.js';

const accessoryOf = (names: string[]) =>
  (
    renderPicker(names).blocks[0] as {
      accessory?: { type: string; action_id: string; options?: Array<{ value: string }> };
    }
  ).accessory;

describe('renderPicker', () => {
  it('lists up to 100 names in a static menu, sorted', () => {
    const menu = accessoryOf(['web-staging', 'docs_site', 'web-prod']);
    expect(menu?.type).toBe('static_select');
    expect(menu?.action_id).toBe(PICKER_ACTION_ID);
    expect(menu?.options?.map((o) => o.value)).toEqual(['docs_site', 'web-prod', 'web-staging']);
  });

  it('asks for type-ahead beyond 100 names', () => {
    const names = Array.from({ length: STATIC_PICKER_MAX + 1 }, (_, i) => `site-${i}`);
    expect(accessoryOf(names)?.type).toBe('external_select');
    expect(renderPicker(names).text).toContain('101 distributions');
  });

  it('says so when the account has no distribution', () => {
    expect(renderPicker([]).text).toMatch(/no Lightsail distributions/);
    expect(accessoryOf([])).toBeUndefined();
  });

  it('shortens long option texts, keeps the whole name as the value, and says which names it cannot list', () => {
    const long = `a${'b'.repeat(98)}c`;
    const tooLong = `a${'b'.repeat(160)}c`;
    const menu = accessoryOf([long, tooLong]);
    expect(menu?.options).toEqual([
      { text: { type: 'plain_text', text: `${long.slice(0, 74)}…` }, value: long },
    ]);
    expect(JSON.stringify(renderPicker([long, tooLong]).blocks)).toContain(
      '1 with names over 150 characters',
    );
  });
});

describe('pickerOptions', () => {
  const names = ['web-prod', 'old-web', 'docs_site', 'WEB-eu'];

  it.each([
    ['web', ['WEB-eu', 'web-prod', 'old-web']],
    ['WEB-', ['WEB-eu', 'web-prod']],
    ['  docs ', ['docs_site']],
    ['nothing', []],
    ['', ['docs_site', 'old-web', 'WEB-eu', 'web-prod']],
  ])('answers %j with %j (names starting with it first)', (typed, expected) => {
    expect(pickerOptions(names, typed).map((o) => o.value)).toEqual(expected);
  });

  it('answers at most 100 options', () => {
    const many = Array.from({ length: 250 }, (_, i) => `site-${i}`);
    expect(pickerOptions(many, 'site')).toHaveLength(100);
  });
});

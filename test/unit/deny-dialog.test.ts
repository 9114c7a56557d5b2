import { describe, expect, it } from 'vitest';
import { denyDialog, denyDialogMetadata, readDenyDialogMetadata } from '../../src/domain/deny-dialog.js';
import { aRequest } from '../support/requests.js';

describe('the Deny dialog remembers where Deny was clicked', () => {
  it.each([
    [false, 'rmww9mhytkner7eu6'],
    [true, 'rmww9mhytkner7eu6 home'],
  ])('writes fromHome=%s as %j and reads it back', (fromHome, metadata) => {
    expect(denyDialogMetadata('rmww9mhytkner7eu6', fromHome)).toBe(metadata);
    expect(readDenyDialogMetadata(metadata)).toEqual({ requestId: 'rmww9mhytkner7eu6', fromHome });
  });

  it.each(['', 'home', 'rnot:valid', 'rmww9mhytkner7eu6 elsewhere', 'rmww9mhytkner7eu6  home', '123456789'])(
    'refuses metadata it did not write: %j',
    (metadata) => {
      expect(readDenyDialogMetadata(metadata)).toBeUndefined();
    },
  );

  it('puts the metadata in the view', () => {
    const request = aRequest({ id: 'rmww9mhytkner7eu6' });
    expect(denyDialog(request, true).private_metadata).toBe('rmww9mhytkner7eu6 home');
    expect(denyDialog(request).private_metadata).toBe('rmww9mhytkner7eu6');
  });
});

import { describe, expect, it } from 'vitest';
import { readContact } from '../../main/core/contacts/contact-directory.js';
import { withContact, callText } from '../../main/core/notify/content.js';

/** A contact is text someone else wrote: every field type-checked, and only ever shown as text. */
describe('contacts', () => {
  it('reads display_name, else first and last name; odd types read as absent', () => {
    expect(readContact({ id: 'c1', display_name: ' Jane Cooper ', company: 'Acme', job_title: 'CTO' })).toEqual({
      id: 'c1',
      name: 'Jane Cooper',
      company: 'Acme',
      jobTitle: 'CTO',
    });
    expect(readContact({ id: 'c2', display_name: '', first_name: 'Priya', last_name: 'Shah' }).name).toBe('Priya Shah');
    expect(readContact({ id: 'c3', display_name: 42, first_name: { x: 1 }, last_name: ['Shah'], company: null })).toEqual({
      id: 'c3',
      name: '',
      company: '',
      jobTitle: '',
    });
  });

  it('names the caller in place of the number; a company alone stands in for a name; nothing at all changes nothing', () => {
    const ring = callText({
      type: 'ring',
      offer: { id: 'o1', resource: 'call', scope: 'me', caller: { type: 'tel', target: '+15550100' }, via: undefined, startedAt: 0, answered: false },
    });
    expect(ring.callerNumber).toBe('+15550100');
    expect(withContact(ring, { id: 'c', name: 'Jane', company: 'Acme', jobTitle: '' })).toMatchObject({
      title: 'Incoming call from Jane',
      body: 'Acme · Ringing for you',
    });
    expect(withContact(ring, { id: 'c', name: '', company: 'Acme', jobTitle: 'Desk' })).toMatchObject({
      title: 'Incoming call from Acme',
      body: 'Desk · Ringing for you',
    });
    expect(withContact(ring, { id: 'c', name: '', company: '', jobTitle: '' })).toMatchObject({
      title: 'Incoming call from +15550100',
      body: 'Ringing for you',
    });
    // The privacy twin never names anyone.
    expect(withContact(ring, { id: 'c', name: 'Jane', company: 'Acme', jobTitle: '' }).private.title).toBe('Incoming call from a caller');
    // A 300-character name with line breaks: one bounded line.
    const long = withContact(ring, { id: 'c', name: `Evil\n${'x'.repeat(300)}`, company: '', jobTitle: '' });
    expect(long.title).not.toContain('\n');
    expect(long.title.length).toBeLessThanOrEqual(120);
  });

  it('a number that is not E.164 (an extension, a SIP URI) is not looked up', () => {
    const ext = callText({
      type: 'ring',
      offer: { id: 'o2', resource: 'call', scope: 'me', caller: { type: 'extension', target: '2001' }, via: undefined, startedAt: 0, answered: false },
    });
    expect(ext.callerNumber).toBeUndefined();
  });
});

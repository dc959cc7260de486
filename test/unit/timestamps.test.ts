import { describe, expect, it } from 'vitest';
import { parseVoipbinTime } from '../../main/core/timestamps.js';

describe('VoIPBIN timestamps', () => {
  it.each([
    ['2026-08-01T10:00:01.123456Z', Date.UTC(2026, 7, 1, 10, 0, 1) * 1000 + 123456],
    ['2026-08-01T10:00:01Z', Date.UTC(2026, 7, 1, 10, 0, 1) * 1000],
    ['2026-08-01T12:00:01.5+02:00', Date.UTC(2026, 7, 1, 10, 0, 1) * 1000 + 500000],
    ['2022-04-11 00:23:53.636000', Date.UTC(2022, 3, 11, 0, 23, 53) * 1000 + 636000],
    ['2026-08-01T10:00:01.123456789Z', Date.UTC(2026, 7, 1, 10, 0, 1) * 1000 + 123456],
  ])('%s', (text, micros) => {
    expect(parseVoipbinTime(text)).toBe(micros);
  });
  it('keeps microsecond order within one millisecond', () => {
    expect(parseVoipbinTime('2026-08-01T10:00:01.123457Z')!).toBeGreaterThan(parseVoipbinTime('2026-08-01T10:00:01.123456Z')!);
  });
  it.each([['9999-01-01 00:00:00.000000'], ['9999-01-01T00:00:00Z'], [null], [undefined], [''], ['yesterday'], [12345]])('%s is unset', (v) => {
    expect(parseVoipbinTime(v)).toBeUndefined();
  });
});

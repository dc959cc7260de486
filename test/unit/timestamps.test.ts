import { describe, expect, it } from 'vitest';
import { parseVoipbinTime } from '../../main/core/platform/timestamps.js';

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
  it('reads the common forms by position exactly as the general pattern does', () => {
    // The fast path must agree with Date.parse (milliseconds) plus the microsecond digits, for
    // every kind of date: month and year ends, leap days, single-digit parts.
    let seed = 12345;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const pad = (n: number, w: number): string => String(n).padStart(w, '0');
    for (let i = 0; i < 2_000; i++) {
      const at = Date.UTC(1990 + rand(60), 0, 1) + rand(366 * 86_400_000);
      const micros = rand(1_000_000);
      const iso = new Date(at).toISOString().slice(0, 19);
      const expected = Math.floor(at / 1000) * 1_000_000 + micros;
      expect(parseVoipbinTime(`${iso}.${pad(micros, 6)}Z`)).toBe(expected);
      expect(parseVoipbinTime(`${iso.replace('T', ' ')}.${pad(micros, 6)}`)).toBe(expected);
    }
  });
  it.each([['2026-08-01T10:00:01.12345xZ'], ['2026-08-01T10:0a:01.123456Z'], ['2026/08/01 10:00:01.123456']])('%s is not a time', (v) => {
    expect(parseVoipbinTime(v)).toBeUndefined();
  });
  it('reads many times of one hour, then of another, each right (the hour is remembered between calls)', () => {
    const base = Date.UTC(2026, 7, 1, 10) * 1000;
    expect(parseVoipbinTime('2026-08-01T10:00:00.000001Z')).toBe(base + 1);
    expect(parseVoipbinTime('2026-08-01T10:59:59.999999Z')).toBe(base + 3_599_999_999);
    expect(parseVoipbinTime('2026-08-01 10:30:00.000000')).toBe(base + 1_800_000_000);
    expect(parseVoipbinTime('2026-08-01T10:0a:01.123456Z')).toBeUndefined();
    expect(parseVoipbinTime('2026-08-01T11:00:00.000000Z')).toBe(base + 3_600_000_000);
    expect(parseVoipbinTime('2026-08-01T1x:00:00.000000Z')).toBeUndefined();
    expect(parseVoipbinTime('2026-08-01T10:15:00.000000Z')).toBe(base + 900_000_000);
  });
  it('keeps microsecond order within one millisecond', () => {
    expect(parseVoipbinTime('2026-08-01T10:00:01.123457Z')!).toBeGreaterThan(parseVoipbinTime('2026-08-01T10:00:01.123456Z')!);
  });
  it.each([['9999-01-01 00:00:00.000000'], ['9999-01-01T00:00:00Z'], [null], [undefined], [''], ['yesterday'], [12345]])('%s is unset', (v) => {
    expect(parseVoipbinTime(v)).toBeUndefined();
  });
});

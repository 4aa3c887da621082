import { describe, expect, it } from 'vitest';
import { csvField, reportCsv } from './csv';
import { dayEnd, dayStart } from './dates';
import { listSummary, toInt } from './forms';

describe('csv', () => {
  it.each([
    ['plain', 'plain'],
    ['Петровић, Петар', '"Петровић, Петар"'],
    ['say "hi"', '"say ""hi"""'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+381', "'+381"],
    ['two\nlines', '"two\nlines"'],
  ])('%j', (value, want) => {
    expect(csvField(value)).toBe(want);
  });

  it('writes the invited rows with their codes', () => {
    const csv = reportCsv([
      { line: 2, email: 'a@b.rs', full_name: 'Ана', profession: 'police', status: 'invited', code: 'ABCD-EFGH', expires_at: '2026-12-01T00:00:00Z' },
    ]);
    expect(csv).toBe('email,name,profession,code,expires_at\r\na@b.rs,Ана,police,ABCD-EFGH,2026-12-01T00:00:00Z\r\n');
  });
});

describe('dates', () => {
  it('turns a calendar day into the instants that bound it', () => {
    const start = new Date(dayStart('2026-03-05')!);
    const end = new Date(dayEnd('2026-03-05')!);
    expect([start.getFullYear(), start.getMonth(), start.getDate(), start.getHours(), start.getMinutes()]).toEqual([2026, 2, 5, 0, 0]);
    expect([end.getDate(), end.getHours(), end.getMinutes(), end.getSeconds()]).toEqual([5, 23, 59, 59]);
  });

  it('refuses what is not a day', () => {
    expect(dayStart('2026-02-31')).toBeUndefined();
    expect(dayEnd('yesterday')).toBeUndefined();
  });
});

describe('forms', () => {
  it('toInt', () => {
    expect([toInt('12'), toInt(' 7 '), toInt(3), toInt('1.5'), toInt(''), toInt(null), toInt(2.5)]).toEqual([12, 7, 3, NaN, NaN, NaN, NaN]);
  });

  it('listSummary', () => {
    const showing = (p: { from: number; to: number; total: number }) => `${p.from}-${p.to}/${p.total}`;
    expect(listSummary(null, 'none', showing)).toBe('');
    expect(listSummary({ offset: 0, total: 0, items: [] }, 'none', showing)).toBe('none');
    expect(listSummary({ offset: 20, total: 45, items: [1, 2, 3] }, 'none', showing)).toBe('21-23/45');
  });
});

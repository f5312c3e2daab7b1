import { describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from '../../models/csv.js';

describe('parseCsv', () => {
  it('splits plain fields and reports 1-based start lines', () => {
    const r = parseCsv('a,b,c\n1,2,3\n');
    expect(r.records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
    ]);
    expect(r.problems).toEqual([]);
  });

  it('handles quotes, escaped quotes, delimiters and newlines inside quotes', () => {
    const r = parseCsv('name,text\n"x.jpg","a ""sharp"", crisp\nphoto"\ny.jpg,plain\n');
    expect(r.records[1]).toEqual({ line: 2, fields: ['x.jpg', 'a "sharp", crisp\nphoto'] });
    // The quoted newline moves the next record to line 4.
    expect(r.records[2]).toEqual({ line: 4, fields: ['y.jpg', 'plain'] });
  });

  it('accepts CRLF and lone CR line ends, a BOM, blank lines and empty fields', () => {
    const r = parseCsv('\ufeffa,b\r\n1,\r\n\r\n,2\r3,4');
    expect(r.records.map((x) => [x.line, ...x.fields])).toEqual([
      [1, 'a', 'b'],
      [2, '1', ''],
      [4, '', '2'],
      [5, '3', '4'],
    ]);
  });

  it('keeps an explicitly quoted empty field as a record', () => {
    expect(parseCsv('""\n').records).toEqual([{ line: 1, fields: [''] }]);
  });

  it('reports an unterminated quote instead of throwing', () => {
    const r = parseCsv('a,b\n1,"oops\n2,3\n');
    expect(r.problems).toEqual([{ line: 2, message: expect.stringMatching(/unterminated/) }]);
    expect(r.records).toHaveLength(1);
  });

  it('supports another delimiter', () => {
    expect(parseCsv('a\tb,c\n', { delimiter: '\t' }).records[0]!.fields).toEqual(['a', 'b,c']);
  });
});

describe('formatCsv', () => {
  it('round-trips through parseCsv', () => {
    const rows = [
      ['image', 'text'],
      ['a b.jpg', 'say "hi", then\nleave'],
      [' pad ', ''],
    ];
    expect(parseCsv(formatCsv(rows)).records.map((r) => r.fields)).toEqual(rows);
  });
});

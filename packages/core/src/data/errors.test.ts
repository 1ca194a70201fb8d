import { describe, expect, it } from 'vitest';
import { DataFileNotFoundError, DataFormatError } from './errors.js';

describe('DataFormatError', () => {
  it('formats file:line: field, expectation and what was found', () => {
    const e = new DataFormatError({ file: 'Beauty.txt', line: 17, field: 'item', expected: 'an integer id', got: 'abc' });
    expect(e.message).toBe('Beauty.txt:17: field "item" expected an integer id, got "abc"');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('DataFormatError');
    expect([e.file, e.line, e.field, e.expected, e.got]).toEqual(['Beauty.txt', 17, 'item', 'an integer id', 'abc']);
  });

  it('omits the line for whole-file problems and shortens long excerpts', () => {
    const e = new DataFormatError({ file: 'a.csv', line: 0, field: 'header', expected: 'x', got: 'y'.repeat(100) });
    expect(e.message).toBe(`a.csv: field "header" expected x, got "${'y'.repeat(60)}…"`);
  });

  it('has a not-found subclass naming the path', () => {
    const e = new DataFileNotFoundError('/nope/u.data');
    expect(e).toBeInstanceOf(DataFormatError);
    expect(e.message).toContain('/nope/u.data');
    expect(e.field).toBe('path');
    expect(e.line).toBe(0);
  });
});

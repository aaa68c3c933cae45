import { describe, expect, it } from 'vitest';
import { CHUNK_ROWS, nextChunkRows } from './import.write.js';

describe('nextChunkRows', () => {
  it('grows a chunk whose transaction was short, at most twice its rows at a time', () => {
    expect(nextChunkRows(100, 100, 'postgres')).toBe(200);
    expect(nextChunkRows(400, 500, 'postgres')).toBe(800);
  });

  it('shrinks a chunk that held its transaction too long, never below the first chunk', () => {
    expect(nextChunkRows(1000, 2000, 'postgres')).toBe(500);
    expect(nextChunkRows(400, 1200, 'pglite')).toBe(CHUNK_ROWS);
  });

  it('keeps PGlite chunks shorter than PostgreSQL ones: every other query waits for them there', () => {
    expect(nextChunkRows(300, 300, 'pglite')).toBe(150);
    expect(nextChunkRows(300, 300, 'postgres')).toBe(600);
  });

  it('stops at the rows whose values one insert can bind', () => {
    expect(nextChunkRows(1500, 1, 'postgres')).toBe(2000);
  });
});

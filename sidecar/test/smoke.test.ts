import assert from 'node:assert/strict';

describe('toolchain', () => {
  it('compiles TypeScript and runs mocha', () => {
    assert.equal([1, 2, 3].reduce((a, b) => a + b, 0), 6);
  });
});

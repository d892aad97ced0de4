/** RFC 6902 JSON Patch and RFC 6901 JSON Pointer: examples from the RFCs (RFC 6902 appendix A, RFC 6901 sec. 5). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInputError } from '@sigmap/contracts';
import { applyJsonPatch, parsePatchSet, parseWorkspace } from '../src/index';

const fails = (fn: () => unknown, field: RegExp) => {
  try {
    fn();
  } catch (e) {
    expect(isInputError(e)).toBe(true);
    expect((e as Error).message).toMatch(field);
    return;
  }
  throw new Error('expected an InputError');
};

describe('applyJsonPatch (RFC 6902 appendix A)', () => {
  it('A.1-A.10: add, remove, replace, move, copy, array insertion, nested members', () => {
    expect(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }])).toEqual({ baz: 'qux', foo: 'bar' });
    expect(applyJsonPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }])).toEqual({ foo: ['bar', 'qux', 'baz'] });
    expect(applyJsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }])).toEqual({ foo: 'bar' });
    expect(applyJsonPatch({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }])).toEqual({ foo: ['bar', 'baz'] });
    expect(applyJsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }])).toEqual({ baz: 'boo', foo: 'bar' });
    expect(applyJsonPatch({ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }])).toEqual({
      foo: { bar: 'baz' },
      qux: { corge: 'grault', thud: 'fred' },
    });
    expect(applyJsonPatch({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }])).toEqual({
      foo: ['all', 'cows', 'eat', 'grass'],
    });
    expect(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }])).toEqual({ foo: 'bar', child: { grandchild: {} } });
    expect(applyJsonPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }])).toEqual({ foo: ['bar', ['abc', 'def']] });
    expect(applyJsonPatch({ a: 1 }, [{ op: 'copy', from: '/a', path: '/b' }])).toEqual({ a: 1, b: 1 });
  });

  it('A.8/A.9/A.14: test succeeds, test fails with an InputError, escaped pointers ~0 ~1', () => {
    const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
    expect(
      applyJsonPatch(doc, [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ]),
    ).toEqual(doc);
    fails(() => applyJsonPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]), /patch\[0\]\.path: test failed/);
    expect(
      applyJsonPatch({ '/': 9, '~1': 10 }, [
        { op: 'test', path: '/~01', value: 10 },
        { op: 'replace', path: '/~1', value: 1 },
      ]),
    ).toEqual({ '/': 1, '~1': 10 });
  });

  it('is pure and atomic-looking: the input is never modified', () => {
    const doc = { a: [1, 2, 3] };
    const out = applyJsonPatch(doc, [{ op: 'remove', path: '/a/0' }]);
    expect(doc).toEqual({ a: [1, 2, 3] });
    expect(out).toEqual({ a: [2, 3] });
  });

  it('errors name the operation: missing path, bad index, unknown op, A.12 add to a missing parent, A.15 not an array', () => {
    fails(() => applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]), /patch\[0\]\.path: path '\/baz\/bat' does not exist/);
    fails(() => applyJsonPatch({ a: [1] }, [{ op: 'remove', path: '/a/5' }]), /patch\[0\]\.path: array index 5 out of range/);
    fails(() => applyJsonPatch({ a: [1] }, [{ op: 'replace', path: '/a/01', value: 1 }]), /not an array index/);
    fails(() => applyJsonPatch({}, [{ op: 'frobnicate', path: '/a' }]), /patch\[0\]\.op: unknown operation/);
    fails(() => applyJsonPatch({}, [{ op: 'add', path: '/a' }]), /patch\[0\]\.value: is required/);
    fails(() => applyJsonPatch({}, { op: 'add' }), /must be an array/);
    fails(() => applyJsonPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]), /cannot move/);
  });
});

describe('parsePatchSet (pyhf PatchSet schema 1.0.0)', () => {
  const dir = join(__dirname, '../../../../shared/data/pyhf_reference/patchset_format_examples');
  it('reads the pyhf examples, looks patches up by name and by values, and applies one to its workspace', () => {
    const ps = parsePatchSet(JSON.parse(readFileSync(join(dir, 'patchset_good.json'), 'utf8')));
    expect(ps.labels).toEqual(['mass_stop', 'mass_neutralino']);
    expect(ps.patchNames).toEqual(['Gtt_2100_5000_800']);
    expect(ps.byValues([2100, 800])).toEqual(ps.byName('Gtt_2100_5000_800'));
    fails(() => ps.byName('nope'), /patch-name: no patch named 'nope'/);
    fails(() => ps.byValues([1, 2]), /patch-values/);
    const ex = parsePatchSet(JSON.parse(readFileSync(join(dir, 'example_patchset.json'), 'utf8')));
    const bkg = JSON.parse(readFileSync(join(dir, 'example_bkgonly.json'), 'utf8'));
    const ws = parseWorkspace(applyJsonPatch(bkg, ex.byName('patch_channel1_signal_syst1')));
    expect(ws.channels[0].samples[0].modifiers[0].data).toEqual({ hi: 1.2, lo: 0.8 });
  });
  it('rejects schema violations with the field', () => {
    fails(
      () => parsePatchSet({ metadata: { labels: ['x'], digests: { md5: 'x' } }, patches: [], version: '1.0.0' }),
      /patchset\.(metadata\.digests\.md5|patches)/,
    );
    fails(() => parsePatchSet([]), /patchset: must be a JSON object/);
  });
});

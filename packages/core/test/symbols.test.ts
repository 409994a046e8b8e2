import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { features, NanomsgError, symbol, symbols, version } from '@nanomsg-ts/core';
import { nativeAddon, thrown } from '@nanomsg-ts/testkit';

const TYPES = ['none', 'int', 'string'];
const UNITS = ['none', 'bytes', 'milliseconds', 'priority', 'boolean', 'messages', 'counter'];

function entry(name: string) {
  const found = symbols().find((s) => s.name === name);
  if (found === undefined) throw new Error(`${name} missing from symbols()`);
  return found;
}

describe('symbols()', () => {
  it('shape: every entry has a name, an integer value, a namespace name, a type and a unit', () => {
    const list = symbols();
    expect(Array.isArray(list)).toBe(true);
    expect(list.length).toBeGreaterThan(100);
    for (const s of list) {
      expect(Object.keys(s).sort()).toEqual(['name', 'namespace', 'type', 'unit', 'value']);
      expect(s.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(Number.isInteger(s.value)).toBe(true);
      expect(TYPES).toContain(s.type);
      expect(UNITS).toContain(s.unit);
    }
  });

  it('order and values: the entries of nn_symbol_info, one for one, in the library order', () => {
    const rows = nativeAddon().symbols();
    const list = symbols();
    expect(list.map((s) => [s.name, s.value])).toEqual(rows.map((r) => [r[0], r[1]]));
    expect(list[0]!.name).toBe('NN_NS_NAMESPACE');
  });

  it('namespaces: given as the namespace symbol name, which is itself in NN_NS_NAMESPACE', () => {
    const list = symbols();
    const rows = nativeAddon().symbols();
    const namespaceNames = new Set(
      list.filter((s) => s.namespace === 'NN_NS_NAMESPACE').map((s) => s.name),
    );
    expect(namespaceNames).toContain('NN_NS_PROTOCOL');
    list.forEach((s, i) => {
      expect(namespaceNames.has(s.namespace), `${s.name} in ${s.namespace}`).toBe(true);
      expect(symbol(s.namespace)).toBe(rows[i]![2]);
    });
    expect(entry('NN_PAIR').namespace).toBe('NN_NS_PROTOCOL');
    expect(entry('NN_TCP').namespace).toBe('NN_NS_TRANSPORT');
    expect(entry('AF_SP').namespace).toBe('NN_NS_DOMAIN');
    expect(entry('EINVAL').namespace).toBe('NN_NS_ERROR');
    expect(entry('NN_SOL_SOCKET').namespace).toBe('NN_NS_OPTION_LEVEL');
    expect(entry('NN_SNDBUF').namespace).toBe('NN_NS_SOCKET_OPTION');
    expect(entry('NN_TCP_NODELAY').namespace).toBe('NN_NS_TRANSPORT_OPTION');
    expect(entry('NN_VERSION_CURRENT').namespace).toBe('NN_NS_VERSION');
    expect(entry('NN_STAT_MESSAGES_SENT').namespace).toBe('NN_NS_STATISTIC');
  });

  it('types and units: named after NN_TYPE_* / NN_UNIT_* and matching the library values', () => {
    const rows = nativeAddon().symbols();
    const typeSymbol = (t: string) =>
      symbol(t === 'string' ? 'NN_TYPE_STR' : `NN_TYPE_${t.toUpperCase()}`);
    const unitSymbol = (u: string) => symbol(`NN_UNIT_${u.toUpperCase()}`);
    symbols().forEach((s, i) => {
      expect(typeSymbol(s.type), `${s.name} type`).toBe(rows[i]![3]);
      expect(unitSymbol(s.unit), `${s.name} unit`).toBe(rows[i]![4]);
    });
    expect(entry('NN_SNDBUF')).toMatchObject({ type: 'int', unit: 'bytes' });
    expect(entry('NN_RCVTIMEO')).toMatchObject({ type: 'int', unit: 'milliseconds' });
    expect(entry('NN_SNDPRIO')).toMatchObject({ type: 'int', unit: 'priority' });
    expect(entry('NN_IPV4ONLY')).toMatchObject({ type: 'int', unit: 'boolean' });
    expect(entry('NN_SOCKET_NAME')).toMatchObject({ type: 'string', unit: 'none' });
    expect(entry('NN_STAT_MESSAGES_SENT')).toMatchObject({ unit: 'messages' });
    expect(entry('NN_STAT_BYTES_RECEIVED')).toMatchObject({ unit: 'bytes' });
    expect(entry('NN_STAT_ESTABLISHED_CONNECTIONS')).toMatchObject({ unit: 'counter' });
    expect(entry('NN_PAIR')).toMatchObject({ type: 'none', unit: 'none' });
  });
});

describe('symbol()', () => {
  it('values: equal to the matching symbols() entry, for every entry', () => {
    const list = symbols();
    for (const s of list) expect(symbol(s.name), s.name).toBe(s.value);
    expect(symbol('NN_PUB')).not.toBe(symbol('NN_SUB'));
  });

  it('unknown name: throws NanomsgError EINVAL', () => {
    const error = thrown(() => symbol('NN_NO_SUCH_SYMBOL'));
    expect(error).toBeInstanceOf(NanomsgError);
    expect(error).toMatchObject({ code: 'EINVAL', errno: symbol('EINVAL') });
    expect(String((error as Error).message)).toContain('NN_NO_SUCH_SYMBOL');
  });

  it('wrong argument type: TypeError', () => {
    expect(() => symbol(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('version', () => {
  it('values: the NN_VERSION_* symbols of the loaded library', () => {
    expect({ ...version }).toEqual({
      current: symbol('NN_VERSION_CURRENT'),
      revision: symbol('NN_VERSION_REVISION'),
      age: symbol('NN_VERSION_AGE'),
    });
    const runtime = nativeAddon().versions().runtime;
    expect(runtime).toEqual([version.current, version.revision, version.age]);
  });

  it('console.log and util.inspect show the numbers, JSON.stringify too', () => {
    const expected = {
      current: symbol('NN_VERSION_CURRENT'),
      revision: symbol('NN_VERSION_REVISION'),
      age: symbol('NN_VERSION_AGE'),
    };
    expect(inspect(version)).toBe(inspect(expected));
    expect(JSON.parse(JSON.stringify(version))).toEqual(expected);
  });

  it('compatibility: covers the ABI the addon was compiled against', () => {
    const [compiled] = nativeAddon().versions().compiled;
    expect(version.current - version.age).toBeLessThanOrEqual(compiled);
    expect(compiled).toBeLessThanOrEqual(version.current);
  });
});

describe('features', () => {
  it('statistics and websocket: booleans that agree with the symbol table', () => {
    expect(typeof features.statistics).toBe('boolean');
    expect(typeof features.websocket).toBe('boolean');
    expect(Object.keys(features)).toEqual(expect.arrayContaining(['statistics', 'websocket']));
    const list = symbols();
    expect(features.statistics).toBe(
      nativeAddon().compiledFeatures().statistics === true &&
        list.some((s) => s.namespace === 'NN_NS_STATISTIC'),
    );
    expect(features.websocket).toBe(
      nativeAddon().compiledFeatures().websocket === true && list.some((s) => s.name === 'NN_WS'),
    );
  });

  it('console.log and util.inspect show the flags, JSON.stringify too', () => {
    const plain = { ...features };
    expect(Object.keys(plain)).toEqual(expect.arrayContaining(['statistics', 'websocket']));
    expect(inspect(features)).toBe(inspect(plain));
    expect(JSON.parse(JSON.stringify(features))).toEqual(plain);
  });

  it('read-only: assigning a feature throws and changes nothing', () => {
    const before = features.statistics;
    expect(() => {
      (features as Record<string, boolean>).statistics = !before;
    }).toThrow(TypeError);
    expect(features.statistics).toBe(before);
  });
});

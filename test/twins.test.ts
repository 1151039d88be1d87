// The twin comparison removes exactly the documented JSON omissions and nothing else: each omission is
// accepted where nft -j really lacks the information, and the same difference elsewhere is reported.
import { describe, expect, it } from 'vitest';
import { parseNft } from '../src/parse/nft/index.ts';
import { parseNftJson } from '../src/parse/nftJson/index.ts';
import { compareTwins } from './twins.ts';

function json(version: string, ...items: unknown[]): string {
  return JSON.stringify({ nftables: [{ metainfo: { version, release_name: 'x', json_schema_version: 1 } }, ...items] });
}

function compare(text: string, jsonText: string) {
  const t = parseNft(text);
  const j = parseNftJson(jsonText);
  expect([...t.diagnostics, ...j.diagnostics].filter((d) => d.severity === 'error')).toEqual([]);
  return compareTwins({ ruleset: t.ruleset, text }, { ruleset: j.ruleset, text: jsonText });
}

const table = { table: { family: 'ip', name: 't', handle: 0 } };
const chain = (extra: object = {}) => ({ chain: { family: 'ip', table: 't', name: 'c', handle: 0, ...extra } });
const rule = (...expr: unknown[]) => ({ rule: { family: 'ip', table: 't', chain: 'c', handle: 0, expr } });
const tcpDport = (port: number) => ({ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: port } });

describe('compareTwins', () => {
  it('finds equal twins equal and reports any other difference', () => {
    const text = 'table ip t {\n\tchain c {\n\t\ttcp dport 22 accept\n\t}\n}\n';
    expect(compare(text, json('1.0.6', table, chain(), rule(tcpDport(22), { accept: null })))).toEqual({ difference: undefined, omissions: [] });
    expect(compare(text, json('1.0.6', table, chain(), rule(tcpDport(23), { accept: null }))).difference).toMatch(/right\.value: 22 ≠ 23/);
  });

  it('drops chain and table comments only for JSON of nft 1.0.6 and older', () => {
    const text = 'table ip t {\n\tcomment "tc"\n\tchain c {\n\t\tcomment "cc"\n\t}\n}\n';
    const old = compare(text, json('1.0.6', table, chain()));
    expect(old.difference).toBeUndefined();
    expect(old.omissions.map((o) => o.kind)).toEqual(['table comment', 'chain comment']);
    // The nftables test dumps come from a newer nft, which prints both.
    expect(compare(text, json('VERSION', table, chain())).difference).toMatch(/comment/);
    expect(compare(text, json('1.1.1', table, chain())).difference).toMatch(/comment/);
  });

  it('drops the dynamic flag of a set only for nft 1.0.6 JSON', () => {
    const text = 'table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t}\n}\n';
    const set = (flags: string[]) => ({ set: { family: 'ip', table: 't', name: 's', handle: 0, type: 'ipv4_addr', flags } });
    expect(compare(text, json('1.0.6', table, set(['timeout']))).omissions.map((o) => o.kind)).toEqual(['set dynamic flag']);
    expect(compare(text, json('1.1.0', table, set(['timeout']))).difference).toMatch(/flags/);
    expect(compare(text, json('1.1.0', table, set(['timeout', 'dynamic']))).difference).toBeUndefined();
  });

  it('keeps the first statement of an element, in the order the text wrote them', () => {
    const set = (elem: object) => ({ set: { family: 'ip', table: 't', name: 's', handle: 0, type: 'ipv4_addr', flags: ['dynamic'], elem: [{ elem: { val: '1.1.1.1', ...elem } }] } });
    const counterFirst = 'table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\tflags dynamic\n\t\telements = { 1.1.1.1 counter packets 1 bytes 2 quota 500 bytes }\n\t}\n}\n';
    const quotaFirst = 'table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\tflags dynamic\n\t\telements = { 1.1.1.1 quota 500 bytes counter packets 1 bytes 2 }\n\t}\n}\n';
    const counter = { counter: { packets: 1, bytes: 2 } };
    const quota = { quota: { val: 500, val_unit: 'bytes' } };
    expect(compare(counterFirst, json('VERSION', table, set(counter))).omissions.map((o) => o.kind)).toEqual(['element statements']);
    expect(compare(quotaFirst, json('VERSION', table, set(quota))).omissions.map((o) => o.kind)).toEqual(['element statements']);
    // JSON shows the first statement, never another one.
    expect(compare(counterFirst, json('VERSION', table, set(quota))).difference).toBeDefined();
    expect(compare(quotaFirst, json('VERSION', table, set(counter))).difference).toBeDefined();
  });

  it('lets a JSON xt statement stand for the translation the text shows, and nothing else', () => {
    const text = 'table ip t {\n\tchain c {\n\t\tmeta l4proto tcp ip saddr 1.2.3.4  ct state new tcp dport 22 counter packets 0 bytes 0 accept\n\t}\n}\n';
    const l4 = { match: { op: '==', left: { meta: { key: 'l4proto' } }, right: 'tcp' } };
    const saddr = { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '1.2.3.4' } };
    const xt = (name: string) => ({ xt: { type: 'match', name } });
    const tail = [tcpDport(22), { counter: { packets: 0, bytes: 0 } }, { accept: null }];
    const ok = compare(text, json('1.0.6', table, chain(), rule(l4, saddr, xt('comment'), xt('conntrack'), ...tail)));
    expect(ok).toMatchObject({ difference: undefined, omissions: [{ kind: 'xt translation', where: 'ip t c rule 1' }] });
    // A statement outside the xt runs must still be equal.
    expect(compare(text, json('1.0.6', table, chain(), rule(l4, saddr, xt('comment'), xt('conntrack'), tcpDport(23), ...tail.slice(1)))).difference).toBeDefined();
    // The dependency the text parser eliminated may be missing only where the text shows it verbatim.
    const noL4 = 'table ip t {\n\tchain c {\n\t\tip saddr 1.2.3.4  ct state new tcp dport 22 counter packets 0 bytes 0 accept\n\t}\n}\n';
    expect(compare(noL4, json('1.0.6', table, chain(), rule(l4, saddr, xt('comment'), xt('conntrack'), ...tail))).difference).toBeDefined();
    // Without an xt statement there is no translation to absorb anything.
    expect(compare(text, json('1.0.6', table, chain(), rule(l4, saddr, ...tail))).difference).toBeDefined();
  });

  it('drops a flowtable counter, which nft -j never prints', () => {
    const text = 'table ip t {\n\tflowtable f {\n\t\thook ingress priority filter\n\t\tdevices = { "lo" }\n\t\tcounter\n\t}\n}\n';
    const ft = { flowtable: { family: 'ip', table: 't', name: 'f', handle: 0, hook: 'ingress', prio: 0, dev: 'lo' } };
    expect(compare(text, json('VERSION', table, ft))).toMatchObject({ difference: undefined, omissions: [{ kind: 'flowtable counter' }] });
    expect(compare(text.replace('priority filter', 'priority 5'), json('VERSION', table, ft)).difference).toMatch(/priority/);
  });
});

// nft JSON parser: `nft -j list ruleset` output, or the command form `nft -j -f` reads, → IR.
// Reads the document and its metainfo, then applies its elements in order. Imports the model, the
// diagnostics helper and this folder's modules. Never throws.
//
// Canonical forms (what `nft -j list ruleset` prints; the nft text parser must produce the same):
// - flags of every kind are arrays in nft -j's bit order (sets: constant, interval, timeout, dynamic);
//   `dev` is always an array; a map's data type "a . b" is split like the key's.
// - durations (set timeout / gc-interval, element timeout / expires, ct timeout policy) are seconds;
//   ct expectation timeout is milliseconds (nft -j units).
// - defaults nft -j always prints are filled: base chain policy `accept`, numgen offset 0, limit burst
//   (5 packets, 0 bytes) and burst_unit, quota val_unit `bytes`, counter/quota object values 0;
//   defaults it never prints are dropped: log level `warn`, limit/quota/ct count `inv: false`, quota
//   `used: 0`, set policy `performance`, `auto-merge: false`, 0 timeouts and sizes, hash offset 0.
// - `ct helper set` written as a mangle is the `objref` nft -j prints; a counter with packets and bytes
//   on a set element is `elem.counter`, other element statements are `elem.stmts`.
// - chain priorities are numbers without `text`; handles are kept; `"@x"` is a setref, `"*"` a value.
import type { JsonNode, JsonObject } from './jsonTree.ts';
import type { ParseResult, Ruleset } from '../../model/ir.ts';
import { DiagnosticBag } from '../diagnostics.ts';
import { parseJsonTree } from './jsonTree.ts';
import { Reader, describeJson } from './reader.ts';
import { ExprMapper } from './expr.ts';
import { StmtMapper } from './stmt.ts';
import { ObjectMapper } from './objects.ts';
import { RulesetBuilder } from './ruleset.ts';
import { CommandApplier, isCommand } from './apply.ts';

/** The schema version nft 0.9.1 – 1.1 print and read (nftables include/json.h JSON_SCHEMA_VERSION). */
export const JSON_SCHEMA_VERSION = 1;

export function parseNftJson(text: string): ParseResult {
  const bag = new DiagnosticBag();
  const r = new Reader(text, bag);
  const tree = parseJsonTree(text);
  if (tree.error) r.report(tree.error.tooDeep ? 'jsonTooDeep' : 'jsonSyntax', tree.error, tree.error.message);
  for (const dup of tree.duplicateKeys) r.report('jsonDuplicateKey', { start: dup.keyStart, end: dup.keyEnd }, dup.key);

  const x = new ExprMapper(r);
  const s = new StmtMapper(r, x);
  x.elemStmt = (m, at) => s.stateful(m, at);
  const builder = new RulesetBuilder();
  const apply = new CommandApplier(r, new ObjectMapper(r, x, s), builder);

  const items = documentItems(r, tree.root, text);
  if (items) {
    const hasCommands = items.some((item) => item.kind === 'object' && item.members.length === 1 && isCommand(item.members[0]?.key ?? ''));
    let sawMetainfo = false;
    for (const item of items) {
      if (item.incomplete) continue; // cut short by the syntax error already reported
      const m = r.single(item, 'a ruleset element or command');
      if (!m) continue;
      if (m.key === 'metainfo') {
        if (!sawMetainfo) checkMetainfo(r, m.value);
        sawMetainfo = true;
      } else if (isCommand(m.key)) {
        apply.apply(m.key, m.value);
      } else {
        apply.apply('add', item, true);
      }
    }
    // `nft -j list` always starts with metainfo; `nft -j -f` input may omit it (parser_json.c), so only a
    // document without commands must have one (knftables rejects list output without it).
    if (!sawMetainfo && !hasCommands && !tree.error) r.report('missingMetainfo', tree.root ?? { start: 0, end: text.length });
  }

  const ruleset: Ruleset = { tables: builder.result(), ipvs: [], ...(apply.opaque.length ? { opaque: apply.opaque } : {}) };
  return { ruleset, diagnostics: bag.items };
}

/** The array of `{"nftables": [ … ]}`, or undefined after reporting why there is none. */
function documentItems(r: Reader, root: JsonNode | undefined, text: string): JsonNode[] | undefined {
  if (!root) return undefined;
  if (root.kind !== 'object') {
    r.report('notNftablesDocument', root.kind === 'array' ? { start: root.start, end: root.start + 1 } : root);
    return undefined;
  }
  const doc: JsonObject = root;
  let items: JsonNode[] | undefined;
  for (const m of doc.members) {
    if (m.key === 'nftables') {
      if (m.value.kind === 'array') items = m.value.items;
      else r.report('badPropertyType', m.value, 'nftables', 'the document', 'an array', describeJson(m.value));
    } else {
      r.report('unexpectedTopLevelKey', { start: m.keyStart, end: m.keyEnd }, m.key);
    }
  }
  if (!items && !doc.members.some((m) => m.key === 'nftables') && !doc.incomplete) {
    r.report('notNftablesDocument', { start: doc.start, end: Math.min(doc.end, text.length) });
  }
  return items;
}

function checkMetainfo(r: Reader, v: JsonNode): void {
  if (v.kind !== 'object') {
    r.report('badPropertyType', v, 'metainfo', 'the document', 'an object', describeJson(v));
    return;
  }
  const p = r.props(v, 'metainfo', ['version', 'release_name', 'json_schema_version']);
  const version = p.get('json_schema_version');
  if (!version) {
    if (!v.incomplete) r.report('missingSchemaVersion', v);
  } else if (version.kind !== 'number' || !version.isInteger) {
    r.report('badSchemaVersion', version, describeJson(version));
  } else if (version.value > JSON_SCHEMA_VERSION || version.value < 1) {
    r.report('unsupportedSchemaVersion', version, version.raw);
  }
}

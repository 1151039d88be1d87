// Syntax highlighting of the input formats: each kind of word gets its own colour.
import { chooseFormat, editorLines, expect, openApp, pasteIntoEditor, test, tokenColours } from './helpers.ts';

/** Colour of the token whose text is `word` (Monaco may merge neighbours of the same colour). */
function colourOf(colours: Map<string, string>, word: string): string {
  for (const [text, colour] of colours) if (text === word || text.split(/\s+/).includes(word)) return colour;
  throw new Error(`no token "${word}" among ${JSON.stringify([...colours.keys()])}`);
}

test('nft: keywords, families, hooks, verdicts, statements, strings, comments, numbers, addresses, @sets, $vars', async ({ page }) => {
  await openApp(page);
  await pasteIntoEditor(
    page,
    [
      'define lan = 10.0.0.0/8',
      'table inet t {',
      '\tchain c {',
      '\t\ttype filter hook input priority 0; policy drop;',
      '\t\tip saddr $lan tcp dport 22 counter accept comment "ssh" # note',
      '\t\tip6 daddr @blocked drop',
      '\t}',
      '}',
    ].join('\n'),
  );
  await expect(editorLines(page).nth(4)).toContainText('# note');
  await expect(editorLines(page).first()).toHaveText('define lan = 10.0.0.0/8');
  // Monaco tokenizes in the background: wait until the keyword has its colour before reading the lines.
  await expect
    .poll(async () => {
      const colours = await tokenColours(page, 2);
      return colours.has('table') && colours.has('t') && colourOf(colours, 'table') !== colourOf(colours, 't');
    })
    .toBe(true);
  const line1 = await tokenColours(page, 1);
  const line2 = await tokenColours(page, 2);
  const line4 = await tokenColours(page, 4);
  const line5 = await tokenColours(page, 5);
  const line6 = await tokenColours(page, 6);
  const plain = colourOf(line2, 't'); // a table name is a plain identifier
  const classes = {
    keyword: colourOf(line2, 'table'),
    family: colourOf(line2, 'inet'),
    hook: colourOf(line4, 'input'),
    verdict: colourOf(line5, 'accept'),
    statement: colourOf(line5, 'counter'),
    string: colourOf(line5, '"ssh"'),
    comment: colourOf(line5, '# note'),
    number: colourOf(line5, '22'),
    address: colourOf(line1, '10.0.0.0/8'),
    setref: colourOf(line6, '@blocked'),
    variable: colourOf(line5, '$lan'),
  };
  for (const [kind, colour] of Object.entries(classes)) expect(colour, `${kind} is not plain text`).not.toBe(plain);
  const distinct = [classes.keyword, classes.family, classes.hook, classes.verdict, classes.statement, classes.string, classes.comment, classes.address, classes.setref];
  expect(new Set(distinct).size).toBe(distinct.length);
});

test('iptables-save: table headers, chain declarations, options, targets', async ({ page }) => {
  await openApp(page);
  await pasteIntoEditor(page, '*nat\n:KUBE-SERVICES - [0:0]\n-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\nCOMMIT\n');
  await expect(editorLines(page).first()).toHaveText('*nat');
  // The grammar switches once the text is detected as iptables-save.
  await expect(page.getByRole('option', { name: 'Auto-detect (iptables-save)' })).toBeAttached();
  // Tokenization follows the grammar switch asynchronously (later under load): poll the whole picture.
  await expect
    .poll(async () => {
      const rule = await tokenColours(page, 3);
      const mark = await tokenColours(page, 4);
      const plain = colourOf(rule, 'PREROUTING');
      return {
        option: colourOf(rule, '-A') !== plain,
        longOption: colourOf(rule, '--comment') !== plain,
        string: colourOf(rule, '"kubernetes service portals"') !== plain,
        target: colourOf(mark, 'MARK') !== plain,
        targetIsNotOption: colourOf(mark, 'MARK') !== colourOf(rule, '--comment'),
      };
    })
    .toEqual({ option: true, longOption: true, string: true, target: true, targetIsNotOption: true });
});

test('ipvsadm and ipset listings are highlighted when chosen', async ({ page }) => {
  await openApp(page);
  await pasteIntoEditor(page, 'TCP  10.96.0.1:443 rr\n  -> 192.168.49.2:8443           Masq    1      0          0\n');
  await chooseFormat(page, 'ipvsadm -Ln');
  await expect.poll(async () => (await tokenColours(page, 1)).size).toBeGreaterThan(1);
  const service = await tokenColours(page, 1);
  expect(colourOf(service, 'TCP')).not.toBe(colourOf(service, '10.96.0.1:443'));
  await pasteIntoEditor(page, 'create kube-cluster-ip hash:ip,port family inet hashsize 1024 maxelem 65536\nadd kube-cluster-ip 10.96.0.1,tcp:443\n');
  await chooseFormat(page, 'ipset save');
  await expect.poll(async () => (await tokenColours(page, 1)).size).toBeGreaterThan(1);
  const create = await tokenColours(page, 1);
  expect(new Set([colourOf(create, 'create'), colourOf(create, 'hash:ip,port'), colourOf(create, 'family'), colourOf(create, 'kube-cluster-ip')]).size).toBe(4);
});

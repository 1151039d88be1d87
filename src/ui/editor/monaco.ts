// Loads Monaco's core API with the few editor features nflens uses, its worker (bundled by Vite, never a
// CDN), the grammars of the input formats and the themes. Imported only by SourceEditor, which is lazy, so
// all of Monaco stays out of the first paint. `monaco-editor` itself would pull every language and an LSP
// client; the `features/*/register` entries add one contribution each.
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/cursorUndo/register';
// Ctrl+M: Tab moves focus out of the editor instead of inserting a tab (keyboard users reach the outline).
import 'monaco-editor/features/toggleTabFocusMode/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { nftConfiguration, nftLanguage } from './languages/nft.ts';
import { iptablesConfiguration, iptablesLanguage } from './languages/iptables.ts';
import { ipsetConfiguration, ipsetLanguage } from './languages/ipset.ts';
import { ipvsConfiguration, ipvsLanguage } from './languages/ipvs.ts';
import { nftJsonConfiguration, nftJsonLanguage } from './languages/nftJson.ts';
import { darkTheme, EDITOR_THEME, lightTheme } from './themes.ts';

globalThis.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

const LANGUAGES: readonly [string, monaco.languages.IMonarchLanguage, monaco.languages.LanguageConfiguration][] = [
  ['nft', nftLanguage, nftConfiguration],
  ['iptables', iptablesLanguage, iptablesConfiguration],
  ['ipset', ipsetLanguage, ipsetConfiguration],
  ['ipvs', ipvsLanguage, ipvsConfiguration],
  ['nftjson', nftJsonLanguage, nftJsonConfiguration],
];

for (const [id, grammar, configuration] of LANGUAGES) {
  monaco.languages.register({ id });
  monaco.languages.setMonarchTokensProvider(id, grammar);
  monaco.languages.setLanguageConfiguration(id, configuration);
}
monaco.editor.defineTheme(EDITOR_THEME.light, lightTheme);
monaco.editor.defineTheme(EDITOR_THEME.dark, darkTheme);

export { monaco };

// Editor colour themes for nflens' token classes, one per app theme. Type-only import of Monaco.
import type { editor } from 'monaco-editor/editor/editor.api';

export const EDITOR_THEME = { light: 'nflens-light', dark: 'nflens-dark' } as const;

export const lightTheme: editor.IStandaloneThemeData = {
  base: 'vs',
  inherit: true,
  rules: [
    { token: 'comment', foreground: '6a737d', fontStyle: 'italic' },
    { token: 'keyword', foreground: '0b5cad', fontStyle: 'bold' },
    { token: 'keyword.verdict', foreground: 'b3261e', fontStyle: 'bold' },
    { token: 'type', foreground: '6f42c1' },
    { token: 'type.family', foreground: '6f42c1', fontStyle: 'bold' },
    { token: 'type.hook', foreground: '22863a', fontStyle: 'bold' },
    { token: 'predefined', foreground: 'c15700' },
    { token: 'attribute', foreground: '005cc5' },
    { token: 'string', foreground: '7a3e00' },
    { token: 'number', foreground: '098658' },
    { token: 'number.address', foreground: '0f7b6c' },
    { token: 'number.counter', foreground: '8a8a8a' },
    { token: 'tag.setref', foreground: 'a626a4', fontStyle: 'bold' },
    { token: 'variable', foreground: 'a626a4', fontStyle: 'italic' },
    { token: 'identifier', foreground: '24292e' },
    { token: 'operator', foreground: '6a737d' },
  ],
  colors: {},
};

export const darkTheme: editor.IStandaloneThemeData = {
  base: 'vs-dark',
  inherit: true,
  rules: [
    { token: 'comment', foreground: '8b949e', fontStyle: 'italic' },
    { token: 'keyword', foreground: '79b8ff', fontStyle: 'bold' },
    { token: 'keyword.verdict', foreground: 'ff7b72', fontStyle: 'bold' },
    { token: 'type', foreground: 'd2a8ff' },
    { token: 'type.family', foreground: 'd2a8ff', fontStyle: 'bold' },
    { token: 'type.hook', foreground: '7ee787', fontStyle: 'bold' },
    { token: 'predefined', foreground: 'ffa657' },
    { token: 'attribute', foreground: '9ecbff' },
    { token: 'string', foreground: 'a5d6ff' },
    { token: 'number', foreground: 'b5cea8' },
    { token: 'number.address', foreground: '56d4bc' },
    { token: 'number.counter', foreground: '8b949e' },
    { token: 'tag.setref', foreground: 'f778ba', fontStyle: 'bold' },
    { token: 'variable', foreground: 'f778ba', fontStyle: 'italic' },
    { token: 'identifier', foreground: 'e6edf3' },
    { token: 'operator', foreground: '8b949e' },
  ],
  colors: {},
};

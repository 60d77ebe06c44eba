// Built by scripts/tfjs-types-plugin.ts: TensorFlow.js .d.ts files by path.
declare module 'virtual:tfjs-types' {
  const files: Record<string, string>;
  export default files;
}
declare module 'monaco-editor/editor/editor.worker?worker' {
  const Worker: new () => globalThis.Worker;
  export default Worker;
}
declare module 'monaco-editor/language/typescript/ts.worker?worker' {
  const Worker: new () => globalThis.Worker;
  export default Worker;
}
// Monaco's ESM modules without declarations of their own at these paths (the API types come from
// `monaco-editor` itself; see monaco.ts).
declare module 'monaco-editor/editor/*';
declare module 'monaco-editor/features/*';
declare module 'monaco-editor/languages/*';

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

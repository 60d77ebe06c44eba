// plotly.js-dist-min ships no types; the renderer declares the few functions it uses.
declare module 'plotly.js-dist-min';

// Import rules `npm run check` enforces with dependency-cruiser (depcruise).
// Type-only imports count: a cycle through `import type` still ties two modules together.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No module may import one that, directly or through others, imports it back.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'renderer-link-from-entry-only',
      severity: 'error',
      comment:
        'Data flows link → stores → panels: only the page entry starts the link; stores and panels ' +
        'reach the bridge through stores/link-bridge.ts and never import the wiring.',
      from: { path: '^renderer/src/', pathNot: '^renderer/src/(main\\.tsx|stores/link\\.ts)$' },
      to: { path: '^renderer/src/stores/link\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'] },
  },
};

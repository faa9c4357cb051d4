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
    {
      name: 'contract-and-shared-stay-pure',
      severity: 'error',
      comment:
        'preload/api/ and preload/shared/ go into every bundle, the sandboxed page and its worker included: ' +
        'no Node built-ins, no Electron, no zod (its schemas compile with eval, which the CSP forbids), ' +
        'and nothing from main/ or renderer/.',
      from: { path: '^preload/(api|shared)/' },
      to: {
        dependencyTypesNot: ['type-only'],
        path: '^(node_modules/(electron|zod)/|main/|renderer/)',
      },
    },
    {
      name: 'contract-and-shared-no-node-builtins',
      severity: 'error',
      from: { path: '^preload/(api|shared)/' },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'] },
  },
};

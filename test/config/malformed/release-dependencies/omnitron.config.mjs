// On nodes a release carries the app's dependencies from its lockfile: api has no lockfile, native's needs an install script.
export default {
  apps: [
    { name: 'api', script: './apps/api/dist/main.js' },
    { name: 'native', script: './apps/native/dist/main.js' },
  ],
  stacks: { prod: { type: 'remote', nodes: [{ name: 'app', host: '10.0.0.5', role: 'app', hostKey: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' }] } },
};

// Imported first by every bench entry: on an older Node some parts fail quietly and print wrong figures.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`omnitron's benchmarks need Node 24 (found ${process.version}): run them with \`npm run bench\`, which uses the Node 24 that npm ci installs.`);
  process.exit(1);
}

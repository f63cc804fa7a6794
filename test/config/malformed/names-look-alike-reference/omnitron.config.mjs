// References spelled with a Cyrillic "а" (U+0430): "did you mean" finds the real name and the letter is named.
export default {
  apps: [
    { name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' },
    { name: 'media', bootstrap: './apps/media/dist/bootstrap.js', dependsOn: ['\u0430uth'] },
  ],
  stacks: { dev: { type: 'local', apps: ['\u0430uth', 'media'] } },
};

// A backoff factor below 1 shrinks every delay; a first delay above the ceiling is never reached.
export default {
  apps: [{ name: 'auth', bootstrap: './apps/auth/dist/bootstrap.js' }],
  supervision: { backoff: { type: 'exponential', initial: '1m', factor: 0.5 } },
};

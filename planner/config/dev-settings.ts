/**
 * `omnitron dev` runs a local stack with each app's `dev` settings on top of its own: `logLevel` becomes
 * LOG_LEVEL, `env` is merged over the app's env, `sourceMaps` adds --enable-source-maps to NODE_OPTIONS.
 * Plain plan/apply never see them, so the next `omnitron apply` puts the apps back as configured.
 */
import type { AppSpec, StackModel } from './model.js';

export function withDevSettings(model: StackModel): StackModel {
  return { ...model, apps: model.apps.map(appInDevMode) };
}

function appInDevMode(app: AppSpec): AppSpec {
  if (!app.dev) return app;
  const env: Record<string, string> = { ...app.env, ...(app.dev.logLevel ? { LOG_LEVEL: app.dev.logLevel } : {}), ...app.dev.env };
  if (app.dev.sourceMaps && !/(^|\s)--enable-source-maps(\s|$)/.test(env.NODE_OPTIONS ?? '')) {
    env.NODE_OPTIONS = [env.NODE_OPTIONS, '--enable-source-maps'].filter(Boolean).join(' ');
  }
  return { ...app, env };
}

import { defineSystem } from '@omnitron-dev/omnitron';

export default defineSystem({
  name: 'media',
  version: '1.0.0',
  processes: [{ name: 'http', module: './main.js', critical: true, transports: { http: { port: Number(process.env.PORT ?? 3000) } } }],
});

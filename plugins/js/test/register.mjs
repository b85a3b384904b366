// `node --import ./plugins/js/test/register.mjs`: resolves the host's WIT
// interfaces to host-stub.mjs so handler code runs in Node.js.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
const stub = ${JSON.stringify(new URL('./host-stub.mjs', import.meta.url).href)};
export async function resolve(specifier, context, next) {
  if (/^hookwarden:inline-hook\\/(log|settings)@0\\.2\\.0$/.test(specifier)) return { url: stub, shortCircuit: true };
  return next(specifier, context);
}`));

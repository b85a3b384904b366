// Token hook: adds claims to the access and ID tokens, rendered from the
// user's profile. The JavaScript port of plugins/token-claims (Rust): the
// same settings, answers and log lines.
//
// Settings:
//   access.<claim> / identity.<claim>  a template for claim <claim> of the
//       access / ID token, e.g. access.display_name = "{firstName} {lastName}".
//       Each {attr} becomes data.context.user.profile.<attr> (strings as
//       they are, other values as JSON text; {{ and }} are literal braces).
//       The claim is added (add /claims/<claim>, overwriting an existing
//       claim) only if Okta is minting that token; if the template names an
//       attribute the profile lacks (or holds null), the claim is skipped
//       with a warning.
//   access.lifetime  not a claim but the access token's lifetime in seconds
//       (replace /token/lifetime/expiration). Okta accepts 300 to 86400; a
//       value that is not a whole number in that range is skipped with a
//       warning.
//
// Settings apply in key order. With nothing to add the answer is empty
// (tokens issued unchanged).

import {
  Patch, ResponseBuilder, debugString, log, parseU32, renderTemplate, settings,
  tokenData, tokenUserProfile, trimWhiteSpace,
} from '../hookwarden.js';

/**
 * @param {import('../hookwarden.js').Request} request
 * @returns {import('../hookwarden.js').Response}
 */
export function handle(request) {
  const data = tokenData(request);
  const profile = tokenUserProfile(data) ?? new Map();
  const access = new Patch();
  const identity = new Patch();
  let added = 0;
  const entries = settings.list();
  for (let i = 0; i < entries.length; i++) {
    const key = entries[i][0];
    const value = entries[i][1];
    const dot = key.indexOf('.');
    if (dot < 0) continue;
    const token = key.slice(0, dot);
    const claim = key.slice(dot + 1);
    let patch;
    let minted;
    if (token === 'access') {
      patch = access;
      minted = data.access !== undefined;
    } else if (token === 'identity') {
      patch = identity;
      minted = data.identity !== undefined;
    } else {
      continue;
    }
    if (!minted || claim === '') continue;
    if (key === 'access.lifetime') {
      const seconds = parseU32(trimWhiteSpace(value));
      if (seconds !== undefined && seconds >= 300 && seconds <= 86400) {
        patch.setLifetime(seconds);
      } else {
        log.warn(`access.lifetime = ${debugString(value)} is not 300 to 86400 seconds; lifetime unchanged`);
      }
      continue;
    }
    let rendered;
    try {
      rendered = renderTemplate(value, profile);
    } catch (e) {
      log.warn(`claim \`${claim}\` (${key}) skipped: ${e.message}`);
      continue;
    }
    patch.addClaim(claim, rendered);
    added += 1;
  }
  log.info(`added ${added} claim(s)`);
  return new ResponseBuilder().identityPatch(identity).accessPatch(access).build();
}

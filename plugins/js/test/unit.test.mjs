// Unit tests of the helper and the examples' pure functions, in Node.js
// with the host imports stubbed (host-stub.mjs):
//
//   node --import ./plugins/js/test/register.mjs --test plugins/js/test/
//
// The examples' answers are compared with their Rust siblings'
// component to component by plugins/conformance/compare.py (see plugins/js/README.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as hw from '../hookwarden.js';
import * as stub from './host-stub.mjs';
import { handle as tokenClaims } from '../token-claims/token_claims.js';
import { domainOf, handle as registrationAllowlist, isAllowed } from '../registration-allowlist/registration_allowlist.js';

const num = (text) => hw.toJson(hw.parseJson(text));

test('numbers are read and written as serde_json does', () => {
  const cases = {
    '0': '0', '-0': '-0.0', '1.0': '1.0', '1E2': '100.0', '0.1e-6': '1e-7', '1e15': '1000000000000000.0',
    '1e16': '1e+16', '0.00001': '0.00001', '0.000001': '1e-6', '18446744073709551615': '18446744073709551615',
    '18446744073709551616': '1.8446744073709552e+19', '-9223372036854775808': '-9223372036854775808',
    '-9223372036854775809': '-9.223372036854776e+18', '12345678901234567890123': '1.2345678901234568e+22',
    '1.5': '1.5', '-2.5e-3': '-0.0025', '5e-324': '5e-324', '1.7976931348623157e308': '1.7976931348623157e+308',
    '1e-400': '0.0', '-1e-400': '-0.0', '123456789012345.6': '123456789012345.6',
  };
  for (const [input, output] of Object.entries(cases)) assert.equal(num(input), output, input);
  assert.throws(() => hw.parseJson('1e400'), /number out of range at line 1 column 5/);
  assert.throws(() => hw.parseJson('[1,]'), /trailing comma at line 1 column 4/);
});

test('objects keep member order, the last duplicate wins in the first place', () => {
  assert.equal(num('{"b":1,"1":2,"a":{"z":[true,null,"\\u001f\\u00e9/"]},"b":3}'), '{"b":3,"1":2,"a":{"z":[true,null,"\\u001fé/"]}}');
  assert.equal(num('{"b":{"x":1,"\\u0031":2}}'), '{"b":{"x":1,"1":2}}');
  assert.equal(hw.toJson({ s: 'x', n: 3, f: 0.5, u: undefined, m: new Map([['k', null]]) }), '{"s":"x","n":3,"f":0.5,"m":{"k":null}}');
});

test("debugString quotes like Rust's {:?}", () => {
  assert.equal(hw.debugString('a"b\\c\t\n\r\0\x01\x7f\u0085é\u00ad\u0301\'😀'), '"a\\"b\\\\c\\t\\n\\r\\0\\u{1}\\u{7f}\\u{85}é\\u{ad}\\u{301}\'😀"');
});

test('trimming and u32 parsing follow Rust', () => {
  assert.equal(hw.trimWhiteSpace('\u0085\u3000 x \u2029'), 'x');
  assert.equal(hw.trimWhiteSpace('\ufeffx'), '\ufeffx');
  assert.equal(hw.parseU32('+0003600'), 3600);
  assert.equal(hw.parseU32('4294967295'), 4294967295);
  for (const bad of ['', '+', '-0', '4294967296', '36.0', ' 1', '١']) assert.equal(hw.parseU32(bad), undefined, bad);
  assert.equal(hw.asciiLowercase('ÉXAMPLE.Com'), 'Éxample.com');
});

test('templates render like the Rust SDK', () => {
  const profile = hw.parseJson('{"firstName":"Isaac","lastName":"Brock","level":3,"nickname":null,"tags":["a","b"]}');
  assert.equal(hw.renderTemplate('{firstName} {lastName}', profile), 'Isaac Brock');
  assert.equal(hw.renderTemplate('L{level} {{x}} }} } {tags}', profile), 'L3 {x} } } ["a","b"]');
  assert.throws(() => hw.renderTemplate('{department}', profile), { message: 'the profile has no attribute `department`' });
  assert.throws(() => hw.renderTemplate('{nickname}', profile), hw.TemplateError);
  assert.throws(() => hw.renderTemplate('x{first', profile), { message: 'malformed template: unclosed `{` in "x{first"' });
  assert.throws(() => hw.renderTemplate('{}', profile), { message: 'malformed template: empty `{}` in "{}"' });
});

test('patches and answers have the WIT shapes', () => {
  const patch = new hw.Patch().addClaim('https://example.com/a~b', 'v').setLifetime(3600).removeClaim('x');
  assert.deepEqual(patch.operations, [
    { op: 'add', path: '/claims/https:~1~1example.com~1a~0b', value: '"v"' },
    { op: 'replace', path: '/token/lifetime/expiration', value: '3600' },
    { op: 'remove', path: '/claims/x', value: undefined },
  ]);
  const answer = new hw.ResponseBuilder()
    .identityPatch(new hw.Patch())
    .accessPatch(patch)
    .denyRegistrationWith(hw.endUserError('No.', 'INVALID_EMAIL_DOMAIN', 'data.userProfile.email'))
    .setDebugContext({ rule: 'x' })
    .build();
  assert.equal(answer.commands.length, 2);
  assert.equal(answer.commands[0].tag, 'access-patch');
  assert.deepEqual(answer.commands[1], { tag: 'action-update', val: { tag: 'registration', val: 'deny' } });
  assert.deepEqual(answer.error.errorCauses[0], {
    errorSummary: 'No.', reason: 'INVALID_EMAIL_DOMAIN', locationType: 'body', location: 'data.userProfile.email', domain: 'end-user',
  });
  assert.equal(answer.debugContext, '{"rule":"x"}');
  assert.throws(() => new hw.ResponseBuilder().setDebugContext([1]), hw.HandlerError);
});

test('an error may have no errorSummary and any locationType', () => {
  const cause = hw.errorCause('why', { locationType: 'cookie' });
  const answer = new hw.ResponseBuilder().setError(hw.hookErrorWithoutSummary([cause])).build();
  assert.equal(answer.error.errorSummary, undefined);
  assert.deepEqual(answer.error.errorCauses, [
    { errorSummary: 'why', reason: undefined, locationType: 'cookie', location: undefined, domain: undefined },
  ]);
  assert.equal(hw.hookError('s').errorSummary, 's');
});

test('a cause may have no errorSummary', () => {
  const cause = hw.errorCauseWithoutSummary({ reason: 'INVALID_EMAIL_DOMAIN', location: 'data.userProfile.email' });
  assert.deepEqual(cause, {
    errorSummary: undefined, reason: 'INVALID_EMAIL_DOMAIN', locationType: undefined, location: 'data.userProfile.email', domain: undefined,
  });
  assert.deepEqual(hw.errorCause(undefined, { domain: 'end-user' }), hw.errorCauseWithoutSummary({ domain: 'end-user' }));
  const answer = new hw.ResponseBuilder().denyRegistrationWith(hw.hookErrorWithoutSummary([cause])).build();
  assert.deepEqual(answer.error.errorCauses, [cause]);
});

test('a HandlerError carries its message as the payload componentize-js returns as err', () => {
  const e = new hw.HandlerError('why');
  assert.ok(Object.hasOwn(e, 'payload'));
  assert.equal(e.payload, 'why');
  assert.equal(e.context('data').payload, 'data: why');
});

const envelope = (eventType, data, requestType) => ({
  eventType, eventTypeVersion: '1.0', cloudEventVersion: '0.1', contentType: 'application/json', eventId: 'e1',
  eventTime: '2024-01-01T00:00:00.000Z', source: 's', requestType, data: JSON.stringify(data),
});

test('token data is checked like the Rust model', () => {
  const ok = hw.tokenData(envelope(hw.HookType.TOKEN, { context: { user: ['u1', null, { a: 1 }] }, access: [] }));
  assert.equal(ok.context.user.id, 'u1');
  assert.equal(hw.toJson(ok.context.user.profile), '{"a":1}');
  assert.deepEqual(ok.access.claims, new Map());
  assert.equal(ok.identity, undefined);
  assert.throws(() => hw.tokenData(envelope(hw.HookType.SAML, {})), {
    payload: 'expected a `com.okta.oauth2.tokens.transform` request, got eventType `com.okta.saml.tokens.transform`',
  });
  assert.throws(() => hw.tokenData(envelope(hw.HookType.TOKEN, { context: null })), {
    payload: 'data: invalid type: null, expected struct TokenContext at line 1 column 15',
  });
  assert.throws(() => hw.tokenData(envelope(hw.HookType.TOKEN, { access: { token: { lifetime: { expiration: -1 } } } })), {
    payload: 'data: invalid value: integer `-1`, expected u64 at line 1 column 47',
  });
});

test('token-claims answers like the Rust example', () => {
  stub.setSettings({ 'access.b': '{firstName}', 'access.lifetime': ' 900 ', 'identity.a': '{missing}', 'x.y': 'z' });
  const answer = tokenClaims(envelope(hw.HookType.TOKEN, {
    context: { user: { profile: { firstName: 'Isaac' } } }, access: { claims: {} }, identity: { claims: {} },
  }));
  assert.deepEqual(answer.commands, [{
    tag: 'access-patch',
    val: [
      { op: 'add', path: '/claims/b', value: '"Isaac"' },
      { op: 'replace', path: '/token/lifetime/expiration', value: '900' },
    ],
  }]);
  assert.deepEqual(stub.lines, [
    ['warn', 'claim `a` (identity.a) skipped: the profile has no attribute `missing`'],
    ['info', 'added 1 claim(s)'],
  ]);
});

test('registration-allowlist: domains and wildcards', () => {
  const list = 'example.com, *.example.com, OTHER.org';
  assert.ok(isAllowed('a.example.com', list));
  assert.ok(isAllowed('b.a.example.com', list));
  assert.ok(isAllowed('example.com', list));
  assert.ok(!isAllowed('badexample.com', 'x.org, *.example.com'));
  assert.ok(!isAllowed('example.com', '*.example.com'));
  assert.ok(isAllowed('other.org', list));
  assert.ok(!isAllowed('sub.other.org', list));
  assert.ok(!isAllowed('', list));
  assert.equal(domainOf(' Isaac@Example.COM '), 'example.com');
  assert.equal(domainOf('a@b@c'), 'c');
  for (const bad of ['no-at', '@example.com', 'isaac@']) assert.equal(domainOf(bad), undefined);
});

test('registration-allowlist answers like the Rust example', () => {
  stub.setSettings({});
  const answer = registrationAllowlist(envelope(hw.HookType.REGISTRATION, { userProfile: { email: 'i@example.com' } }, 'self.service.registration'));
  assert.deepEqual(answer.commands, [{ tag: 'action-update', val: { tag: 'registration', val: 'deny' } }]);
  assert.equal(answer.error.errorSummary, 'Registration is not open for this email domain.');
  assert.deepEqual(stub.lines, [
    ['error', 'the setting `allowed_domains` is missing: denying every registration'],
    ['info', 'DENY: the email domain is not allowed (or there is no valid email)'],
  ]);
  stub.setSettings({ allowed_domains: 'example.com' });
  const progressive = registrationAllowlist(envelope(hw.HookType.REGISTRATION, { userProfileUpdate: { email: null } }, 'progressive.profile'));
  assert.deepEqual(progressive.commands, [{ tag: 'action-update', val: { tag: 'registration', val: 'allow' } }]);
  assert.throws(() => registrationAllowlist(envelope(hw.HookType.REGISTRATION, {}, 'other')), { payload: 'unknown registration requestType `other`' });
});

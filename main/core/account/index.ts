/**
 * main/core/account: Who is signed in: password sign-in, identity from a token or an access key, the saved sign-in (file, sealer, which source wins), expiry warnings, and noticing a new login while running.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './auth-login.js';
export * from './identity.js';
export * from './identity-check.js';
export * from './credential-store.js';
export * from './credential-source.js';
export * from './token-lifecycle.js';
export * from './saved-sign-in-watch.js';

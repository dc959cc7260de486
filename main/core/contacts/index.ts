/**
 * main/core/contacts: the caller's name from the customer's VoIPBIN contacts, cached and bounded.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './contact-directory.js';

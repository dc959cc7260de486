/**
 * main/core/api: VoIPBIN over HTTP: the API root and the URLs derived from it, how each kind of credential travels, the REST client, and VoIPBIN's error envelope as typed errors.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './api-url.js';
export * from './credentials.js';
export * from './rest-client.js';
export * from './api-errors.js';

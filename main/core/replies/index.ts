/**
 * main/core/replies: replies to conversations and team chat without the console, sent once.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './send-reply.js';

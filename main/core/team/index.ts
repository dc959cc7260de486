/**
 * main/core/team: Names of the people and team chats a notification mentions, read from what the sign-in may list.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './team-directory.js';

/**
 * main/core/transcripts: live call transcripts — from customer-scope frames (segments tied to
 * their call through the transcribe) or, for agent-only tokens, read over REST while a call is in
 * progress; each segment once, kept in spoken order per call.
 * Other features, the command and the desktop import this folder through this file only.
 */
export * from './transcript-records.js';
export * from './transcript-book.js';
export * from './transcript-follower.js';
export * from './my-calls.js';

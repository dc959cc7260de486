import type { Command } from 'commander';
import { addWebhookShowCommand } from './webhook-show.js';
import { addWebhookSetCommands } from './webhook-set.js';
import { addWebhookTestCommand } from './webhook-test.js';

/** `voipbin-notifier webhook show|set|disable|test`: the account's customer webhook. */
export function addWebhookCommand(parent: Command, setExit: (code: number) => void): void {
  const webhook = parent.command('webhook').description('Show, change, disable or test the webhook VoIPBIN sends every event of the account to.');
  addWebhookShowCommand(webhook, setExit);
  addWebhookSetCommands(webhook, setExit);
  addWebhookTestCommand(webhook, setExit);
}

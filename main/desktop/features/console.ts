import { describeError } from '../../core/platform/index.js';
import { consoleUrlFor, isAllowedConsoleUrl, type ConsoleResource } from '../../../shared/console-link.js';

/**
 * Opening a call (or a caller's contact) in the VoIPBIN console, from a pop-up, the history, the
 * call window or a voipbin-notifier://call link: only URLs built from the configured template, to
 * its own origin, ever reach the browser.
 */
export interface ConsolePage {
  kind: ConsoleResource;
  id: string;
}

export interface Opened {
  opened: boolean;
  message: string;
}

export class ConsoleLinks {
  constructor(
    private readonly template: () => string,
    private readonly openExternal: (url: string) => Promise<void>,
  ) {}

  /** The console URL of a call, group call or contact, or undefined when the template or the id cannot make one. */
  urlFor(resource: ConsolePage | undefined): string | undefined {
    return resource === undefined ? undefined : consoleUrlFor(this.template(), resource.kind, resource.id);
  }

  async open(resource: ConsolePage | undefined): Promise<Opened> {
    const url = this.urlFor(resource);
    if (url === undefined) {
      return {
        opened: false,
        message: resource?.kind === 'contact' ? 'The console address has no page for contacts.' : 'Only calls open in the VoIPBIN console.',
      };
    }
    if (!isAllowedConsoleUrl(url, this.template())) return { opened: false, message: 'Refused to open a link outside the configured console.' };
    try {
      // Only after the check above: a URL of the configured console's origin, built by consoleUrlFor
      // from the template and an id checked as a UUID — never a URL taken from an event or a link.
      await this.openExternal(url);
      return { opened: true, message: `Opened ${url}` };
    } catch (e) {
      return { opened: false, message: `Could not open the browser: ${describeError(e)}` };
    }
  }
}

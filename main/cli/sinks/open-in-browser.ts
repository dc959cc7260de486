import { spawn } from 'node:child_process';

/**
 * Hands a URL to the desktop's browser (xdg-open on Linux, open on macOS, start on Windows). The
 * URL is one argument of its own, never part of a shell line; callers pass only URLs they built
 * from a checked template and a checked id (shared/console-link.ts).
 */
export function openInBrowser(url: string, onError: (message: string) => void): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', (e) => onError(`could not open the browser (${command}): ${e.message}`));
    // No display or no URL handler (a systemd user service, say): the opener says so by its exit code.
    child.on('exit', (code) => {
      if (code !== null && code !== 0)
        onError(`could not open the browser: ${command} exited with ${code} (is there a desktop session and a default browser?)`);
    });
    child.unref();
  } catch (e) {
    onError(`could not open the browser (${command}): ${e instanceof Error ? e.message : String(e)}`);
  }
}

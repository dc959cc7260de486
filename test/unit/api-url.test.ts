import { describe, expect, it } from 'vitest';
import { resolveApiUrl } from '../../main/core/api/api-url.js';
import { NotifierError } from '../../main/core/platform/errors.js';

describe('API URL', () => {
  it('defaults to the hosted API with login at the root and REST/WS under /v1.0', () => {
    expect(resolveApiUrl(undefined)).toEqual({
      root: 'https://api.voipbin.net',
      login: 'https://api.voipbin.net/auth/login',
      rest: 'https://api.voipbin.net/v1.0',
      websocket: 'wss://api.voipbin.net/v1.0/ws',
      isLoopback: false,
    });
  });
  it('accepts a pasted REST base and self-hosted ports and paths', () => {
    expect(resolveApiUrl('https://api.voipbin.test:8443/v1.0/').websocket).toBe('wss://api.voipbin.test:8443/v1.0/ws');
    expect(resolveApiUrl('https://pbx.example.com/voipbin').login).toBe('https://pbx.example.com/voipbin/auth/login');
  });
  it('allows plain http only to loopback', () => {
    expect(resolveApiUrl('http://127.0.0.1:8080').websocket).toBe('ws://127.0.0.1:8080/v1.0/ws');
    expect(resolveApiUrl('http://localhost:1').isLoopback).toBe(true);
    expect(resolveApiUrl('http://[::1]:9').isLoopback).toBe(true);
    expect(() => resolveApiUrl('http://api.voipbin.net')).toThrow(/plain http/);
    expect(() => resolveApiUrl('http://10.0.0.5')).toThrow(NotifierError);
  });
  it('explains malformed input', () => {
    expect(() => resolveApiUrl('api.voipbin.net')).toThrow(/not a valid URL/);
    expect(() => resolveApiUrl('ftp://x.example')).toThrow(/https:\/\//);
    expect(() => resolveApiUrl('https://u:p@x.example')).toThrow(/credentials/);
    expect(() => resolveApiUrl('https://x.example/?token=abc')).toThrow(/query/);
  });
});

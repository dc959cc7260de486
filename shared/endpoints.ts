/** The hosted VoIPBIN API root (self-hosted servers give their own). */
export const DEFAULT_API_URL = 'https://api.voipbin.net';

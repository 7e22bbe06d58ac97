// The REST API client: the key (if any) from sessionStorage as a Bearer token; errors carry the server's message.
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function apiKey(): string {
  return sessionStorage.getItem('kizashi.key') ?? '';
}

export function setApiKey(key: string): void {
  sessionStorage.setItem('kizashi.key', key.trim());
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey();
  return key ? { authorization: `Bearer ${key}`, ...extra } : extra;
}

export async function get<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: headers() });
  return read<T>(res);
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
  return read<T>(res);
}

async function read<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new ApiFailure(res.status, body.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

/** Upload a file as multipart with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function upload(path: string, file: File, onProgress: (fraction: number) => void): Promise<{ result: string; file: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      let body: { error?: { message?: string }; result?: string; file?: string } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve({ result: body.result ?? '', file: body.file ?? '' });
      else reject(new ApiFailure(xhr.status, body.error?.message ?? `HTTP ${xhr.status}`));
    });
    xhr.addEventListener('error', () => reject(new ApiFailure(0, 'network error')));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** Download an export with the key (a plain link could not send the Authorization header). */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) throw new ApiFailure(res.status, `HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

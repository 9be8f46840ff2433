// The /v1 API as the page uses it: the key kept for this tab only, problem+json errors as
// exceptions that know which field they concern, and a job's Server-Sent Events read with
// fetch() (EventSource cannot send the Authorization header).

const KEY_ITEM = 'codi.apiKey';
export const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

export const apiKey = {
  get: () => sessionStorage.getItem(KEY_ITEM),
  set: (key) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

/** An RFC 9457 problem answered by the API; `field` is the request field it concerns, when it says. */
export class ApiProblem extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.problem = problem;
    this.status = status;
    this.field = fieldOf(problem);
  }
}

// The API names the field in an extension (`field`, `limit`) or at the start of `detail`
// ("params.steps must be …", "'outputs' must be …", "inputs.image: …").
function fieldOf(problem) {
  if (problem.field) return problem.field;
  if (problem.limit && problem.limit.includes('.')) return problem.limit;
  const named = /^'?([a-z]+(?:\.[a-z_]+)?)'?[\s:]/.exec(problem.detail || '');
  return named ? named[1] : null;
}

/** Calls the API: JSON in and out; a Blob body is sent as is (an upload); other answers come back as the Response. */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = {};
  const key = apiKey.get();
  if (key) headers.Authorization = `Bearer ${key}`;
  let payload = body;
  if (body instanceof Blob) {
    headers['Content-Type'] = body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload, signal });
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok) {
    const problem = type.includes('json')
      ? await response.json()
      : { title: response.statusText, status: response.status, detail: `HTTP ${response.status} ${response.statusText}` };
    throw new ApiProblem(problem, response.status);
  }
  return type.includes('application/json') ? response.json() : response;
}

/**
 * The events of one job as { id, type, data } (HTML Living Standard, "Server-sent events":
 * lines of `field: value`, an empty line ends an event, lines starting with ':' are comments).
 */
export async function* jobEvents(jobId, { signal, lastEventId } = {}) {
  const headers = { Authorization: `Bearer ${apiKey.get()}`, Accept: 'text/event-stream' };
  if (lastEventId) headers['Last-Event-ID'] = lastEventId;
  const response = await fetch(`/v1/jobs/${encodeURIComponent(jobId)}/events`, { headers, signal });
  if (!response.ok) {
    throw new ApiProblem(await response.json().catch(() => ({ detail: `HTTP ${response.status}` })), response.status);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.search(/\r\n|\n|\r(?!$)/)) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (event.data.length) yield { id: event.id, type: event.type || 'message', data: event.data.join('\n') };
        event = { data: [] };
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let text = colon < 0 ? '' : line.slice(colon + 1);
      if (text.startsWith(' ')) text = text.slice(1);
      if (field === 'data') event.data.push(text);
      else if (field === 'event') event.type = text;
      else if (field === 'id') event.id = text;
    }
  }
}

/**
 * Follows a job to its end, calling onJob with each new state; resumes a dropped stream with
 * Last-Event-ID. Resolves with the finished job (or undefined when aborted).
 */
export async function followJob(jobId, onJob, signal) {
  let lastEventId;
  for (let attempt = 0; !signal?.aborted; attempt++) {
    try {
      for await (const event of jobEvents(jobId, { signal, lastEventId })) {
        lastEventId = event.id;
        attempt = 0;
        const job = JSON.parse(event.data);
        onJob(job, event.type);
        if (TERMINAL.has(job.status)) return job;
      }
    } catch (error) {
      if (signal?.aborted) return undefined;
      if (error instanceof ApiProblem && error.status < 500) throw error;
    }
    if (attempt >= 3) {
      const job = await api(`/v1/jobs/${encodeURIComponent(jobId)}`, { signal });
      onJob(job, 'poll');
      if (TERMINAL.has(job.status)) return job;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return undefined;
}
